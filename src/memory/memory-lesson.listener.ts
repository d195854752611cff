import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transaction';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { CriticVerdict, criticLessonInput, failedEpisodeInput } from './goal-memory-drafts';
import { LearnedGoalRepository } from './learned-goal.repository';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryStore } from './memory-store.service';
import type { MemoryInput } from './memory.types';

/**
 * Learning from goal events as they happen: a critic rejection becomes a lesson for
 * similar goals, a failed goal an (unverified) episode.
 */
@Injectable()
export class MemoryLessonListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MemoryLearning');
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly goals: LearnedGoalRepository,
    private readonly embeddings: MemoryEmbeddings,
    private readonly store: MemoryStore,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
      if (event.type === 'critic.verdict' || event.type === 'goal.failed')
        void this.onEvent(event).catch((error: Error) =>
          this.logger.warn(
            `could not learn from ${event.type} of goal ${event.goal_id}: ${error.message}`,
          ),
        );
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private async onEvent(event: GoalEventRecord): Promise<void> {
    const model = `${this.config.llmProvider}:${this.config.llmModel}`;
    if (event.type === 'critic.verdict') {
      const verdict = event.data as CriticVerdict;
      if (verdict.passed || !verdict.feedback.trim()) return;
      const goal = await this.goals.byId(event.tenant_id, event.goal_id);
      if (goal)
        await this.remember(goal.tenant_id, criticLessonInput(goal, verdict, event.id, model));
      return;
    }
    const reasons = (event.data as { reasons: string[] }).reasons ?? [];
    const goal = await this.goals.byId(event.tenant_id, event.goal_id);
    if (goal)
      await this.remember(goal.tenant_id, failedEpisodeInput(goal, reasons, event.id, model));
  }

  private async remember(tenantId: string, input: MemoryInput): Promise<void> {
    const [draft] = await this.embeddings.draft([input]);
    await inTransaction(this.dataSource, (uow) => this.store.persist(uow, tenantId, [draft]));
  }
}
