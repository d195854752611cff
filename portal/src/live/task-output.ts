/** What a running task's current model turn has written so far. */
export interface WrittenOutput {
  turn: number;
  text: string;
}

/**
 * Applies one `task.output.delta` (`{task_id, turn, offset, text}`): the text continues the
 * turn's output at `offset`; offset 0 or a new turn starts it again (a retried call, a turn
 * after tool calls). A delta that does not continue what is held is dropped. Answers
 * whether anything changed.
 */
export function applyDelta(
  outputs: Map<string, WrittenOutput>,
  delta: Record<string, unknown>,
): boolean {
  const { task_id: taskId, turn, offset, text } = delta;
  if (typeof taskId !== 'string' || typeof text !== 'string') return false;
  if (typeof turn !== 'number' || typeof offset !== 'number') return false;
  const held = outputs.get(taskId);
  if (offset === 0 || !held || turn !== held.turn) {
    if (offset !== 0) return false;
    outputs.set(taskId, { turn, text });
    return true;
  }
  if (offset !== held.text.length) return false;
  outputs.set(taskId, { turn, text: held.text + text });
  return true;
}
