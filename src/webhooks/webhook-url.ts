import { outboundUrlProblem } from '#net/outbound-url';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Why an endpoint URL is refused (see `outboundUrlProblem`), or undefined. */
export function webhookUrlProblem(raw: string, allowHosts: readonly string[]): string | undefined {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH)
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  return outboundUrlProblem(raw, allowHosts, 'WEBHOOK_ALLOW_HOSTS');
}
