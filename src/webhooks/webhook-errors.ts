import { Conflict, DomainError } from '#common';

export class WebhooksNotConfigured extends DomainError {
  constructor() {
    super(
      503,
      'webhooks-not-configured',
      'Webhook secrets cannot be stored',
      'Set WEBHOOK_ENCRYPTION_KEY to use webhooks.',
    );
  }
}

export class WebhookLimitReached extends Conflict {
  constructor(limit: number) {
    super(
      'webhook-limit-reached',
      'Webhook limit reached',
      `An owner may have at most ${limit} webhook endpoints; delete one first.`,
      { limit },
    );
  }
}

export class WebhookStatusConflict extends Conflict {
  constructor(action: string, status: string) {
    super(
      'webhook-status-conflict',
      'Webhook status conflict',
      `An endpoint in status ${status} cannot be ${action}.`,
      { endpoint_status: status },
    );
  }
}
