import { createTransport, type SMTPSentMessageInfo, type Transporter } from 'nodemailer';
import { sleep } from '#common';
import {
  RETRY_DELAY_MS,
  deliveryError,
  minutesText,
  type CodeMessage,
  type CodeSender,
  type DeliveryResult,
} from './code-delivery';

const PURPOSE_TEXT: Record<CodeMessage['purpose'], string> = {
  login: 'to finish signing in',
  enroll: 'to confirm this address for two-step verification',
  elevate: 'to confirm a sensitive action',
};

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  message?: string;
}

const TRANSIENT_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

function isTransient(error: SmtpFailure): boolean {
  if (error.permanent === true) return false;
  if (error.responseCode !== undefined)
    return error.responseCode >= 400 && error.responseCode < 500;
  return error.code !== undefined && TRANSIENT_CODES.has(error.code);
}

export function verificationEmailText(message: CodeMessage): string {
  return [
    `Your Agent Village verification code is ${message.code}.`,
    '',
    `Enter it ${PURPOSE_TEXT[message.purpose]}. It expires in ${minutesText(message.ttlMinutes)}.`,
    '',
    'If you did not ask for this code, do not share it, and consider changing your password.',
  ].join('\n');
}

/** Sends codes by email through an SMTP server given as an smtp:// or smtps:// URL. */
export class SmtpEmailSender implements CodeSender {
  readonly channel = 'email';
  private readonly transport: Transporter<SMTPSentMessageInfo>;

  constructor(private readonly options: { url: string; from: string; timeoutMs?: number }) {
    const timeout = options.timeoutMs ?? 10_000;
    this.transport = createTransport({
      url: options.url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(message: CodeMessage): Promise<DeliveryResult> {
    const mail = {
      from: this.options.from,
      to: message.to,
      subject: 'Your Agent Village verification code',
      text: verificationEmailText(message),
    };
    let failure: SmtpFailure = {};
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const info = await this.transport.sendMail(mail);
        return { status: 'sent', providerMessageId: info.messageId };
      } catch (error) {
        failure = (error ?? {}) as SmtpFailure;
        if (attempt === 1 && isTransient(failure)) await sleep(RETRY_DELAY_MS);
        else break;
      }
    }
    const label = [failure.code, failure.responseCode].filter(Boolean).join(' ');
    return {
      status: 'failed',
      error: deliveryError(
        `SMTP ${label || 'error'}: ${failure.message ?? 'unknown'}`,
        message.code,
      ),
    };
  }
}
