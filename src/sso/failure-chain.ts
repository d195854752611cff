/**
 * An error's message with those of its causes: the OpenID client reports a failed request
 * as "something went wrong" and keeps the reason (refused address, connection refused,
 * timeout) in `cause`.
 */
export function failureChain(error: unknown): string {
  const messages: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e.message && !messages.includes(e.message)) messages.push(e.message);
  return messages.join(': ') || 'unknown error';
}
