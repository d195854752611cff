import { sleep } from '#common';
import {
  RETRY_DELAY_MS,
  deliveryError,
  minutesText,
  type CodeMessage,
  type CodeSender,
  type DeliveryResult,
} from './code-delivery';

type Attempt = DeliveryResult & { retryable: boolean };

export function smsText(message: CodeMessage): string {
  return `Your Agent Village code is ${message.code}. It expires in ${minutesText(message.ttlMinutes)}.`;
}

function providerMessageId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { id, message_id: messageId } = body as Record<string, unknown>;
  const value = id ?? messageId;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Duck-typed: fetch's errors may come from another realm, where instanceof fails. */
function networkError(error: unknown): string {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError') return 'SMS gateway timed out';
  return typeof cause?.code === 'string'
    ? `SMS gateway unreachable (${cause.code})`
    : 'SMS gateway unreachable';
}

/**
 * Sends codes through an HTTP SMS gateway: POST of `{ to, message }` as JSON. Client
 * errors (4xx) are final; server and network errors get one more try.
 */
export class HttpSmsSender implements CodeSender {
  readonly channel = 'sms';

  constructor(
    private readonly options: { url: string; authorization?: string; timeoutMs?: number },
  ) {}

  async send(message: CodeMessage): Promise<DeliveryResult> {
    let result = await this.attempt(message);
    if (result.status === 'failed' && result.retryable) {
      await sleep(RETRY_DELAY_MS);
      result = await this.attempt(message);
    }
    const { retryable: _retryable, ...delivery } = result;
    return delivery;
  }

  private async attempt(message: CodeMessage): Promise<Attempt> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.authorization) headers.authorization = this.options.authorization;
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, message: smsText(message) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (error) {
      return { status: 'failed', error: this.safe(networkError(error), message), retryable: true };
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) {
      return { status: 'sent', providerMessageId: providerMessageId(body), retryable: false };
    }
    return {
      status: 'failed',
      error: this.safe(`SMS gateway answered HTTP ${response.status}`, message),
      retryable: response.status >= 500,
    };
  }

  private safe(text: string, message: CodeMessage): string {
    const withoutCode = deliveryError(text, message.code);
    const secret = this.options.authorization;
    return secret ? withoutCode.split(secret).join('[authorization]') : withoutCode;
  }
}
