import { Injectable } from '@nestjs/common';

/**
 * Tells this process's dispatcher that deliveries may be due now, so they go out at once
 * rather than at its next look. Goal events wake it only for tenants known to have an
 * ACTIVE endpoint (the dispatcher refreshes that set at each look).
 */
@Injectable()
export class WebhookWakeups {
  private listener: (() => void) | undefined;
  private activeTenants: ReadonlySet<string> = new Set();

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  setActiveTenants(tenants: ReadonlySet<string>): void {
    this.activeTenants = tenants;
  }

  wake(): void {
    this.listener?.();
  }

  /** A goal event committed here: its deliveries, if any, were written with it. */
  eventCommitted(tenantId: string): void {
    if (this.activeTenants.has(tenantId)) this.listener?.();
  }
}
