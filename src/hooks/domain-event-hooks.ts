import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../events/event-bus';
import { logFor } from '../observability/logger';
import type { HookPoint } from '../plugin-contract/plugin-contract';
import { HookManager } from './hook-manager';

/**
 * Emits each domain event committed in this process as the hook `event.<type>` (events
 * relayed from other processes are theirs to emit, so each fires once). Handlers run
 * after the commit and cannot change or stop the event: a cancel or modify is ignored.
 */
@Injectable()
export class DomainEventHooks implements OnModuleInit, OnModuleDestroy {
  private readonly log = logFor('DomainEventHooks');
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly hooks: HookManager,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event, origin) => {
      if (origin !== 'local') return;
      const point: HookPoint = `event.${event.type}`;
      if (!this.hooks.has(point)) return;
      this.hooks.emit(point, event.tenant_id, event).catch((error: unknown) => {
        this.log.warn(`hooks of ${point} could not run`, { error: String(error) });
      });
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
