import { conversationText, type ScriptedLlmServer } from '#testing';

/**
 * Scripts the model server for a fan-out goal: the planner answers `<marker>=N` in the goal
 * with N independent tasks, every task and the critic pass, and every call takes
 * `latencyMs`. The critical path is then 4 calls: intent, plan, one task, critic.
 */
export function scriptFanOut(llm: ScriptedLlmServer, latencyMs: number, marker: string): void {
  llm.reset();
  llm.defaultLatencyMs = latencyMs;
  llm.when('[agent-village:intent_analyzer]', {
    json: { objective: 'fan out', capabilities: ['analysis'], complexity: 'COMPLEX', risk: 'LOW' },
  });
  const count = new RegExp(`${marker}=(\\d+)`);
  llm.when('[agent-village:planner]', (request) => {
    const n = Number(count.exec(conversationText(request))?.[1] ?? 1);
    return {
      json: {
        tasks: Array.from({ length: n }, (_, i) => ({
          key: `t${i}`,
          title: `task ${i}`,
          description: `do part ${i}`,
          depends_on: [],
          capabilities: [],
          acceptance_criteria: null,
        })),
      },
    };
  });
  llm.when('[agent-village:tool_agent]', {
    content: 'part done',
    usage: { prompt_tokens: 20, completion_tokens: 5 },
  });
  llm.when('[agent-village:critic]', {
    json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
  });
}

/**
 * A word of letters only, different for every n ("qa", "qb", ..., "qba", ...): goal texts
 * unique in their words (embeddings ignore digits), so memory never hands a bench goal a
 * stored procedure instead of planning it.
 */
export function uniqueWord(n: number): string {
  let word = '';
  do {
    word = String.fromCharCode(97 + (n % 26)) + word;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `q${word}`;
}
