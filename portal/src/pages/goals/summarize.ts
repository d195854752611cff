/** A task's or goal's output in one line (at most 200 characters). */
export function summarize(output: unknown): string {
  if (!output) return '';
  const o = output as Record<string, unknown>;
  let text = o.summary ?? o.result ?? o.text ?? o.answer;
  if (typeof text !== 'string') text = JSON.stringify(output);
  const s = text as string;
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** A goal's result as text: its summary, the whole result, or why it failed. */
export function resultText(result: unknown, failureReasons: string[]): string {
  if (result) {
    const summary = (result as Record<string, unknown>).summary;
    return typeof summary === 'string' ? summary : JSON.stringify(result, null, 2);
  }
  return failureReasons.join('\n');
}
