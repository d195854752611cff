import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../../libs/common/src';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { EventBus } from '../events/event-bus';
import { GoalEventLog } from '../events/goal-event-log.service';
import { ArmStats, chooseArm, decide, successRate } from './evolution-policy';

export const EVOLUTION_TARGETS = ['planner_prompt', 'workflow'] as const;
export type EvolutionTarget = (typeof EVOLUTION_TARGETS)[number];

interface VariantRow {
  id: string;
  target: EvolutionTarget;
  name: string;
  guidance: string;
  status: 'testing' | 'champion' | 'retired';
  rationale: string;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
  trials: string;
  finished: string;
  successes: string;
  mean_tokens: number | null;
  mean_duration_ms: number | null;
  mean_score: number | null;
}

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
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => {
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
    const live: Array<{
      id: string;
      target: EvolutionTarget;
      name: string;
      guidance: string;
      status: string;
      trials: string;
    }> = await uow.manager.query(
      `SELECT v.id, v.target, v.name, v.guidance, v.status, (SELECT count(*) FROM evolution_trials t WHERE t.variant_id = v.id) AS trials
         FROM evolution_variants v WHERE v.tenant_id = $1 AND v.status IN ('testing', 'champion') ORDER BY v.target, v.id`,
      [tenantId],
    );
    const existing: Array<{ variant_id: string }> = await uow.manager.query(
      `SELECT variant_id FROM evolution_trials WHERE tenant_id = $1 AND goal_id = $2`,
      [tenantId, goalId],
    );
    for (const target of EVOLUTION_TARGETS) {
      const arms = live
        .filter((v) => v.target === target)
        .map((v) => ({ ...v, trials: Number(v.trials) }));
      if (!arms.length) continue;
      let chosen = arms.find((a) => existing.some((e) => e.variant_id === a.id));
      if (!chosen) {
        chosen = arms.length === 1 ? arms[0] : chooseArm(arms, goalId);
        if (arms.length > 1) {
          await uow.manager.query(
            `INSERT INTO evolution_trials (tenant_id, variant_id, goal_id) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`,
            [tenantId, chosen.id, goalId],
          );
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

  async recordOutcome(tenantId: string, goalId: string, succeeded: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE evolution_trials t SET outcome = $3, finished_at = now(),
         score = (g.result->'verdict'->>'score')::real,
         tokens = g.prompt_tokens + g.completion_tokens,
         duration_ms = (extract(epoch FROM (coalesce(g.completed_at, now()) - coalesce(g.started_at, g.created_at))) * 1000)::bigint
       FROM goals g WHERE g.id = t.goal_id AND g.tenant_id = t.tenant_id AND t.tenant_id = $1 AND t.goal_id = $2 AND t.outcome IS NULL`,
      [tenantId, goalId, succeeded ? 'succeeded' : 'failed'],
    );
  }

  /** Decide running experiments, then propose new variants where outcomes call for it. */
  async run(tenantId: string) {
    const decisions: Array<{ variant: string; action: 'promoted' | 'retired'; reason: string }> =
      [];
    const proposals: Array<{ variant: string; target: string; rationale: string }> = [];
    await inTransaction(this.dataSource, async (uow) => {
      await uow.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
        `evolver:${tenantId}`,
      ]);
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
          await uow.manager.query(
            `UPDATE evolution_variants SET status = 'retired', reason = $3, decided_at = now() WHERE id = $1 AND tenant_id = $2`,
            [r.id, tenantId, r.reason],
          );
          decisions.push({
            variant: arms.find((a) => a.id === r.id)!.name,
            action: 'retired',
            reason: r.reason,
          });
        }
        if (decision.promote) {
          await uow.manager.query(
            `UPDATE evolution_variants SET status = 'champion', reason = $3, decided_at = now() WHERE id = $1 AND tenant_id = $2`,
            [decision.promote.id, tenantId, decision.promote.reason],
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
    const lessons: Array<{ lesson: string; goals: string }> = await uow.manager.query(
      `SELECT lesson, count(DISTINCT source_goal_id) AS goals
       FROM memories m, jsonb_array_elements_text(CASE WHEN jsonb_typeof(m.metadata->'lessons') = 'array' THEN m.metadata->'lessons' ELSE '[]'::jsonb END) AS lesson
       WHERE m.tenant_id = $1 AND m.kind = 'strategic' AND m.verified AND m.metadata->>'outcome' = 'rejected by the critic'
         AND m.created_at > now() - interval '30 days'
       GROUP BY lesson HAVING count(DISTINCT source_goal_id) >= 2 ORDER BY goals DESC, lesson LIMIT 3`,
      [tenantId],
    );
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
    const running: unknown[] = await uow.manager.query(
      `SELECT 1 FROM evolution_variants WHERE tenant_id = $1 AND status = 'testing' LIMIT 1`,
      [tenantId],
    );
    if (running.length) return out;
    for (const c of candidates) {
      const variants = await this.variants(uow, tenantId, c.target);
      if (variants.some((v) => v.name === c.name)) continue;
      if (!variants.some((v) => v.status === 'champion'))
        await uow.manager.query(
          `INSERT INTO evolution_variants (id, tenant_id, target, name, guidance, status, rationale) VALUES ($1,$2,$3,'control','', 'champion', 'the baseline prompt and workflow')
           ON CONFLICT (tenant_id, target, name) DO NOTHING`,
          [uuidv7(), tenantId, c.target],
        );
      await uow.manager.query(
        `INSERT INTO evolution_variants (id, tenant_id, target, name, guidance, status, rationale) VALUES ($1,$2,$3,$4,$5,'testing',$6)`,
        [uuidv7(), tenantId, c.target, c.name, c.guidance, c.rationale],
      );
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
    const runner = uow?.manager ?? this.dataSource;
    return runner.query(
      `SELECT v.id, v.target, v.name, v.guidance, v.status, v.rationale, v.reason, v.created_at, v.decided_at,
              count(t.goal_id) AS trials, count(t.outcome) AS finished,
              count(*) FILTER (WHERE t.outcome = 'succeeded') AS successes,
              avg(t.tokens) FILTER (WHERE t.outcome IS NOT NULL) AS mean_tokens,
              avg(t.duration_ms) FILTER (WHERE t.outcome IS NOT NULL) AS mean_duration_ms,
              avg(t.score) FILTER (WHERE t.outcome IS NOT NULL) AS mean_score
       FROM evolution_variants v LEFT JOIN evolution_trials t ON t.variant_id = v.id AND t.tenant_id = v.tenant_id
       WHERE v.tenant_id = $1 AND ($2::text IS NULL OR v.target = $2)
       GROUP BY v.id ORDER BY v.target, v.created_at`,
      [tenantId, target ?? null],
    );
  }

  /** Outcomes by pattern, complexity, capability and agent; where tokens and time go; variants. */
  async report(tenantId: string) {
    const num = (x: unknown) =>
      x === null || x === undefined ? 0 : Math.round(Number(x) * 1000) / 1000;
    const group = async (expr: string, from = 'goals g') => {
      const rows: Array<Record<string, unknown>> = await this.dataSource.query(
        `SELECT ${expr} AS key, count(*) AS goals,
                count(*) FILTER (WHERE g.status = 'completed') AS completed,
                count(*) FILTER (WHERE g.status = 'failed') AS failed,
                avg(g.prompt_tokens + g.completion_tokens) AS mean_tokens,
                avg(extract(epoch FROM (g.completed_at - coalesce(g.started_at, g.created_at))) * 1000) AS mean_duration_ms
         FROM ${from} WHERE g.tenant_id = $1 AND g.status IN ('completed', 'failed') GROUP BY 1 ORDER BY 2 DESC LIMIT 50`,
        [tenantId],
      );
      return rows.map((r) => ({
        key: String(r.key ?? 'unknown'),
        goals: Number(r.goals),
        success_rate: Number(r.goals) ? num(Number(r.completed) / Number(r.goals)) : 0,
        failed: Number(r.failed),
        mean_tokens: num(r.mean_tokens),
        mean_duration_ms: num(r.mean_duration_ms),
      }));
    };
    const agents: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT coalesce(agent_kind, 'unassigned') AS agent, count(*) AS tasks,
              count(*) FILTER (WHERE status = 'failed') AS failed,
              sum(prompt_tokens + completion_tokens) AS tokens
       FROM tasks WHERE tenant_id = $1 GROUP BY 1 ORDER BY 2 DESC LIMIT 50`,
      [tenantId],
    );
    const failures: Array<{ reason: string; goals: string }> = await this.dataSource.query(
      `SELECT left(reason, 300) AS reason, count(*) AS goals
       FROM goals g, jsonb_array_elements_text(g.failure_reasons) AS reason
       WHERE g.tenant_id = $1 GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
      [tenantId],
    );
    const variants = await this.variants(undefined, tenantId);
    return {
      by_pattern: await group(`coalesce(g.pattern, 'unknown')`),
      by_complexity: await group(`coalesce(g.complexity, 'unknown')`),
      by_capability: await group(
        `cap`,
        `goals g, jsonb_array_elements_text(coalesce(g.intent->'capabilities', '[]'::jsonb)) AS cap`,
      ),
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
