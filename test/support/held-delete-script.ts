import { ChatRequestBody, conversationText, ScriptedLlmServer } from '#testing';

/**
 * A scripted model for goals that need an approval: a goal whose text holds `marker` plans
 * one task whose agent first calls `delete_file` (held for approval by default) and then
 * answers; any other goal plans three plain tasks. The critic passes everything.
 */
export function scriptHeldDelete(llm: ScriptedLlmServer, marker: string): void {
  const marked = (request: ChatRequestBody) => conversationText(request).includes(marker);
  llm.when('[agent-village:intent_analyzer]', {
    json: { objective: 'do it', capabilities: ['files'], complexity: 'SIMPLE', risk: 'LOW' },
  });
  llm.when('[agent-village:planner]', (request: ChatRequestBody) => {
    const keys = marked(request) ? ['clean'] : ['first', 'second', 'third'];
    return {
      json: {
        tasks: keys.map((key) => ({
          key,
          title: `Step ${key}`,
          description: `Do the ${key} step`,
          depends_on: [],
          capabilities: [],
        })),
      },
    };
  });
  llm.when('[agent-village:critic]', {
    json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
  });
  llm.when('[agent-village:tool_agent]', (request: ChatRequestBody) => {
    const calledTools = (request.messages ?? []).some((m) => m.tool_calls?.length);
    return marked(request) && !calledTools
      ? { toolCalls: [{ name: 'delete_file', arguments: { path: 'old-notes.txt' } }] }
      : { content: 'done' };
  });
  llm.otherwise({ content: 'done' });
}
