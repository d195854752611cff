import { Injectable } from '@nestjs/common';
import { logFor } from '../observability/logger';
import { eventMatches } from './webhook-event-types';

const log = logFor('WebhookLocalHandlers');

/** An event as every receiver gets it. */
export interface WebhookPayload {
  event_id: string;
  event_type: string;
  timestamp: string;
  data: Record<string, unknown>;
  tenant_id: string;
}

export type LocalWebhookHandler = (event: WebhookPayload) => void | Promise<void>;

/**
 * In-process subscribers to the events webhooks carry (for plugins and extensions): each
 * handler gets the same payload a receiver would, for the events committed in this
 * process, after they commit. A handler that throws or rejects is logged and the others
 * still run; none is awaited by the code that published the event.
 */
@Injectable()
export class WebhookLocalHandlers {
  private readonly handlers = new Set<{ patterns: string[]; handler: LocalWebhookHandler }>();

  /** Subscribes `handler` to `patterns` (types, `category.*` or `*`); returns the unsubscribe. */
  subscribe(patterns: string | readonly string[], handler: LocalWebhookHandler): () => void {
    const entry = { patterns: typeof patterns === 'string' ? [patterns] : [...patterns], handler };
    this.handlers.add(entry);
    return () => this.handlers.delete(entry);
  }

  get size(): number {
    return this.handlers.size;
  }

  emit(event: WebhookPayload): void {
    for (const { patterns, handler } of this.handlers) {
      if (!eventMatches(patterns, event.event_type)) continue;
      try {
        Promise.resolve(handler(event)).catch((error: unknown) => failed(event, error));
      } catch (error) {
        failed(event, error);
      }
    }
  }
}

function failed(event: WebhookPayload, error: unknown): void {
  log.warn('a local webhook handler failed', {
    event_type: event.event_type,
    event_id: event.event_id,
    error: error instanceof Error ? error.message : String(error),
  });
}
