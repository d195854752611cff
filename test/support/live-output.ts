import { ChatRequestBody, conversationText, ScriptedLlmServer } from '#testing';
import type { Envelope, WsTestClient } from './ws-client';

/** The answer a task streams: long enough for ten pieces of a few words each. */
export const STREAMED_ANSWER =
  'The three rivers compared: the Rhine is the longest at 1,230 km, the Elbe drains ' +
  'the largest basin, and the Danube crosses the most countries on its way to the sea.';

const USAGE = { prompt_tokens: 120, completion_tokens: 40 };

export const isCall = (role: string, marker: string) => (r: ChatRequestBody) => {
  const text = conversationText(r);
  return text.includes(`[agent-village:${role}]`) && text.includes(marker);
};

/**
 * One goal of one task whose answer the server streams in pieces (by default ten, 80 ms
 * apart: about 0.7 s, several coalescing intervals); every call reports the same usage.
 */
export function scriptOneTaskGoal(
  llm: ScriptedLlmServer,
  marker: string,
  pace: { chunks: number; chunkDelayMs: number } = { chunks: 10, chunkDelayMs: 80 },
): void {
  llm.when(isCall('intent_analyzer', marker), {
    json: { objective: 'compare', capabilities: ['analysis'], complexity: 'SIMPLE', risk: 'LOW' },
    usage: USAGE,
  });
  llm.when(isCall('planner', marker), {
    json: {
      tasks: [
        {
          key: 'compare',
          title: 'compare the rivers',
          description: 'compare them',
          depends_on: [],
          capabilities: [],
          acceptance_criteria: 'a comparison',
        },
      ],
    },
    usage: USAGE,
  });
  llm.when(isCall('tool_agent', marker), {
    content: STREAMED_ANSWER,
    usage: USAGE,
    ...pace,
  });
  llm.when(isCall('critic', marker), {
    json: { passed: true, score: 0.9, feedback: 'good', failed_tasks: [] },
    usage: USAGE,
  });
}

export interface LiveTaskView {
  deltas: Envelope[];
  /** The final turn's text put together from its deltas, by offset. */
  text: string;
  completions: Envelope[];
  /** Where the last delta and the first task.completed stand among the client's messages. */
  lastDeltaAt: number;
  completedAt: number;
}

/** What a client saw of one task: its output deltas and its task.completed events. */
export function liveTaskView(client: WsTestClient, taskId: string): LiveTaskView {
  const deltas = client.messages.filter(
    (m) => m.event === 'task.output.delta' && m.data.task_id === taskId,
  );
  const lastTurn = Math.max(...deltas.map((d) => d.data.turn as number));
  let text = '';
  for (const delta of deltas.filter((d) => d.data.turn === lastTurn)) {
    const offset = delta.data.offset as number;
    if (offset === 0) text = '';
    if (offset !== text.length) throw new Error(`a delta at ${offset} after ${text.length}`);
    text += delta.data.text as string;
  }
  const completions = client.messages.filter(
    (m) => m.event === 'task.completed' && m.data.task_id === taskId,
  );
  return {
    deltas,
    text,
    completions,
    lastDeltaAt: client.messages.lastIndexOf(deltas[deltas.length - 1]),
    completedAt: client.messages.indexOf(completions[0]),
  };
}
