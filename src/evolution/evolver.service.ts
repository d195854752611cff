import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { EventBus } from '../events/event-bus';
import { GoalEventLog } from '../events/goal-event-log.service';
import { ArmStats, chooseArm, decide, successRate } from './evolution-policy';
import { EvolutionReportRepository, type OutcomeGroupRow } from './evolution-report.repository';
import { EvolutionTrialRepository } from './evolution-trial.repository';
import {
  EVOLUTION_TARGETS,
  EvolutionVariantRepository,
  type EvolutionTarget,
  type VariantRow,
} from './evolution-variant.repository';

export { EVOLUTION_TARGETS, type EvolutionTarget } from './evolution-variant.repository';

/** Guidance for the planner from the evolver's live variants for one goal. */
export interface Assignment {
  variants: Array<{ id: string; target: EvolutionTarget; name: string }>;
  guidance: string[];
}

/**
 * The evolver: analyses outcomes, proposes prompt and workflow variants (planner guidance
 * derived from recurring critic feedback), tests them on later goals with a fair split,
 * promotes winners and retires losers with a recorded reason.
 */
@Injectable()
export class Evolver implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Evolver');
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly events: GoalEventLog,
    private readonly variantRows: EvolutionVariantRepository,
    private readonly trials: EvolutionTrialRepository,
    private readonly analysis: EvolutionReportRepository,
  ) {}

  onModuleInit(): void {
    // recorded by the process that committed the ending; the others hear it from the bridge
    this.unsubscribe = this.bus.subscribe((event, origin) => {
      if (origin !== 'local') return;
      if (event.type !== 'goal.completed' && event.type !== 'goal.failed') return;
      void this.recordOutcome(
        event.tenant_id,
        event.goal_id,
        event.type === 'goal.completed',
      ).catch((error: Error) =>
        this.logger.warn(`could not record trial outcome: ${error.message}`),
      );
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * Puts a goal into one arm per target with a live experiment (fewest trials first, so
   * the split stays balanced). A goal keeps its arm across replans and restarts.
   */
  async assign(uow: UnitOfWork, tenantId: string, goalId: string): Promise<Assignment> {
    const assignment: Assignment = { variants: [], guidance: [] };
    const live = await this.variantRows.live(uow.manager, tenantId);
    const existing = await this.trials.variantsOfGoal(uow.manager, tenantId, goalId);
    for (const target of EVOLUTION_TARGETS) {
      const arms = live
        .filter((v) => v.target === target)
        .map((v) => ({ ...v, trials: Number(v.trials) }));
      if (!arms.length) continue;
      let chosen = arms.find((a) => existing.includes(a.id));
      if (!chosen) {
        chosen = arms.length === 1 ? arms[0] : chooseArm(arms, goalId);
        if (arms.length > 1) {
          await this.trials.insert(uow.manager, tenantId, chosen.id, goalId);
          await this.events.append(uow, tenantId, goalId, 'evolution.assigned', {
            variant_id: chosen.id,
            target,
            name: chosen.name,
          });
        }
      }
      assignment.variants.push({ id: chosen.id, target, name: chosen.name });
      if (chosen.guidance) assignment.guidance.push(chosen.guidance);
    }
    return assignment;
  }

  /** Whether the tenant has a live variant, which a goal can be assigned to (`assignGoal`). */
  async hasLive(tenantId: string): Promise<boolean> {
    return (await this.variantRows.live(this.dataSource.manager, tenantId)).length > 0;
  }

  /**
   * `assign` in a transaction of its own; none at all while the tenant has no live variant
   * (`live`: `hasLive`, when it was asked ahead).
   */
  async assignGoal(
    tenantId: string,
    goalId: string,
    live?: Promise<boolean | undefined>,
  ): Promise<Assignment> {
    if (!((await live) ?? (await this.hasLive(tenantId)))) return { variants: [], guidance: [] };
    return inTransaction(this.dataSource, (uow) => this.assign(uow, tenantId, goalId));
  }

  async recordOutcome(tenantId: string, goalId: string, succeeded: boolean): Promise<void> {
    await this.trials.finish(this.dataSource, tenantId, goalId, succeeded ? 'succeeded' : 'failed');
  }

  /** Decide running experiments, then propose new variants where outcomes call for it. */
  async run(tenantId: string) {
    const decisions: Array<{ variant: string; action: 'promoted' | 'retired'; reason: string }> =
      [];
    const proposals: Array<{ variant: string; target: string; rationale: string }> = [];
    await inTransaction(this.dataSource, async (uow) => {
      await this.variantRows.lockTenant(uow.manager, tenantId);
      for (const target of EVOLUTION_TARGETS) {
        const variants = await this.variants(uow, tenantId, target);
        const arms: ArmStats[] = variants
          .filter((v) => v.status !== 'retired')
          .map((v) => ({
            id: v.id,
            name: v.name,
            status: v.status,
            trials: Number(v.finished),
            successes: Number(v.successes),
            mean_tokens: Number(v.mean_tokens ?? 0),
          }));
        const decision = decide(
          arms,
          this.config.EVOLUTION_MIN_TRIALS,
          this.config.EVOLUTION_MIN_UPLIFT,
        );
        for (const r of decision.retire) {
          await this.variantRows.decide(uow.manager, tenantId, r.id, 'retired', r.reason);
          decisions.push({
            variant: arms.find((a) => a.id === r.id)!.name,
            action: 'retired',
            reason: r.reason,
          });
        }
        if (decision.promote) {
          await this.variantRows.decide(
            uow.manager,
            tenantId,
            decision.promote.id,
            'champion',
            decision.promote.reason,
          );
          decisions.push({
            variant: arms.find((a) => a.id === decision.promote!.id)!.name,
            action: 'promoted',
            reason: decision.promote.reason,
          });
        }
      }
      for (const proposal of await this.propose(uow, tenantId)) proposals.push(proposal);
    });
    return { decisions, proposals, report: await this.report(tenantId) };
  }

  /**
   * Proposals: recurring critic feedback (a verified lesson seen in at least two goals)
   * becomes a planner-prompt variant; recurring verification failures also propose a
   * workflow variant that ends plans with a self-check. Each runs against the champion.
   */
  private async propose(uow: UnitOfWork, tenantId: string) {
    const out: Array<{ variant: string; target: string; rationale: string }> = [];
    const lessons = await this.analysis.recurringLessons(uow.manager, tenantId);
    if (!lessons.length) return out;
    const candidates: Array<{
      target: EvolutionTarget;
      name: string;
      guidance: string;
      rationale: string;
    }> = [
      {
        target: 'planner_prompt',
        name: `lessons-${hashText(lessons.map((l) => l.lesson).join('|'))}`,
        guidance: `Recurring reviewer feedback on earlier goals (plan so it cannot happen again):\n${lessons.map((l) => `- ${l.lesson}`).join('\n')}`,
        rationale: `the critic rejected ${lessons.map((l) => `${l.goals} goals for "${l.lesson.slice(0, 120)}"`).join('; ')}`,
      },
      {
        target: 'workflow',
        name: 'self-check-step',
        guidance:
          'End the plan with a task that checks every acceptance criterion and the reviewer feedback listed above before the final answer.',
        rationale: `verification failed on ${lessons.reduce((s, l) => s + Number(l.goals), 0)} recent goals`,
      },
    ];
    // one experiment at a time, so arms of different experiments cannot confound each other
    if (await this.variantRows.anyTesting(uow.manager, tenantId)) return out;
    for (const c of candidates) {
      const variants = await this.variants(uow, tenantId, c.target);
      if (variants.some((v) => v.name === c.name)) continue;
      if (!variants.some((v) => v.status === 'champion'))
        await this.variantRows.insertControl(uow.manager, tenantId, uuidv7(), c.target);
      await this.variantRows.insertTesting(uow.manager, tenantId, { id: uuidv7(), ...c });
      out.push({ variant: c.name, target: c.target, rationale: c.rationale });
      break;
    }
    return out;
  }

  private variants(
    uow: UnitOfWork | undefined,
    tenantId: string,
    target?: EvolutionTarget,
  ): Promise<VariantRow[]> {
    return this.variantRows.withStats(uow?.manager ?? this.dataSource, tenantId, target);
  }

  /** Outcomes by pattern, complexity, capability and agent; where tokens and time go; variants. */
  async report(tenantId: string) {
    const num = (x: unknown) =>
      x === null || x === undefined ? 0 : Math.round(Number(x) * 1000) / 1000;
    const group = async (rows: Promise<OutcomeGroupRow[]>) =>
      (await rows).map((r) => ({
        key: String(r.key ?? 'unknown'),
        goals: Number(r.goals),
        success_rate: Number(r.goals) ? num(Number(r.completed) / Number(r.goals)) : 0,
        failed: Number(r.failed),
        mean_tokens: num(r.mean_tokens),
        mean_duration_ms: num(r.mean_duration_ms),
      }));
    const agents = await this.analysis.byAgentKind(this.dataSource, tenantId);
    const failures = await this.analysis.topFailureReasons(this.dataSource, tenantId);
    const variants = await this.variants(undefined, tenantId);
    return {
      by_pattern: await group(this.analysis.byPattern(this.dataSource, tenantId)),
      by_complexity: await group(this.analysis.byComplexity(this.dataSource, tenantId)),
      by_capability: await group(this.analysis.byCapability(this.dataSource, tenantId)),
      by_agent: agents.map((a) => ({
        agent: String(a.agent),
        tasks: Number(a.tasks),
        failure_rate: Number(a.tasks) ? num(Number(a.failed) / Number(a.tasks)) : 0,
        tokens: Number(a.tokens ?? 0),
      })),
      top_failure_reasons: failures.map((f) => ({ reason: f.reason, goals: Number(f.goals) })),
      variants: variants.map((v) => ({
        id: v.id,
        target: v.target,
        name: v.name,
        status: v.status,
        guidance: v.guidance,
        rationale: v.rationale,
        reason: v.reason,
        trials: Number(v.trials),
        finished: Number(v.finished),
        success_rate: successRate({
          trials: Number(v.finished),
          successes: Number(v.successes),
        } as ArmStats),
        mean_score: num(v.mean_score),
        mean_tokens: num(v.mean_tokens),
        mean_duration_ms: num(v.mean_duration_ms),
        created_at: new Date(v.created_at).toISOString(),
        decided_at: v.decided_at ? new Date(v.decided_at).toISOString() : null,
      })),
    };
  }
}

function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
