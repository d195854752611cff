export interface DeliveryResult {
  status: 'sent' | 'failed';
  providerMessageId?: string;
  error?: string;
}

export interface CodeMessage {
  to: string;
  code: string;
  purpose: 'login' | 'enroll' | 'elevate';
  ttlMinutes: number;
}

/** Sends a one-time code; a delivery failure is a result, never a thrown error. */
export interface CodeSender {
  readonly channel: 'sms' | 'email';
  send(message: CodeMessage): Promise<DeliveryResult>;
}

export const EMAIL_CODE_SENDER = Symbol('EMAIL_CODE_SENDER');
export const SMS_CODE_SENDER = Symbol('SMS_CODE_SENDER');

export const RETRY_DELAY_MS = 200;

export function minutesText(minutes: number): string {
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** An error text safe to store and log: the code itself is masked and the length capped. */
export function deliveryError(text: string, code: string): string {
  const masked = code ? text.split(code).join('[code]') : text;
  return masked.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
