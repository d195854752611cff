import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ValidationFailed } from '../../libs/common/src';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { DashboardSettingsRepository } from './dashboard-settings.repository';
import type {
  DashboardAgentsDto,
  DashboardConfigDto,
  DashboardGoalDto,
  DashboardGoalsDto,
  DashboardSettingsDto,
  DashboardStatsDto,
  SeriesPointDto,
  WidgetDto,
} from './dto/dashboard.dto';

const FINISHED = `('completed','failed','cancelled')`;
const HOURS = 24;
const VERSION = '0.1.0';

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

/** The dashboard's read models: tenant-scoped aggregates over goals, tasks and LLM calls. */
@Injectable()
export class DashboardService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly settings: DashboardSettingsRepository,
  ) {}

  async dashboardConfig(tenantId: string): Promise<DashboardConfigDto> {
    const row = await this.settings.ofTenant(tenantId);
    const saved = (row?.settings ?? {}) as Partial<DashboardSettingsDto>;
    return {
      title: this.config.DASHBOARD_TITLE,
      api_url: saved.api_url ?? this.config.DASHBOARD_API_URL ?? '',
      ws_url: saved.ws_url ?? this.config.DASHBOARD_WS_URL ?? '',
      refresh_ms: saved.refresh_ms ?? this.config.DASHBOARD_REFRESH_MS,
      theme: saved.theme ?? this.config.DASHBOARD_THEME,
      panels: saved.panels ?? [...this.config.DASHBOARD_PANELS],
      version: VERSION,
      updated_at: iso(row?.updated_at),
    };
  }

  /** Saves the given settings over the tenant's previous ones (unset fields keep their value). */
  async saveSettings(
    tenantId: string,
    input: DashboardSettingsDto,
    updatedBy: string | null,
  ): Promise<DashboardConfigDto> {
    const settings = Object.fromEntries(
      Object.entries(input).filter(([, v]) => v !== undefined),
    ) as Partial<DashboardSettingsDto>;
    if (Object.keys(settings).length === 0)
      throw new ValidationFailed([
        {
          field: 'body',
          message: 'must set at least one of refresh_ms, theme, panels, api_url, ws_url',
        },
      ]);
    if (settings.panels) settings.panels = [...new Set(settings.panels)];
    await this.settings.merge(tenantId, settings, updatedBy);
    return this.dashboardConfig(tenantId);
  }

  async stats(tenantId: string): Promise<DashboardStatsDto> {
    const [goals]: Row[] = await this.dataSource.query(
      `SELECT count(*) AS total,
         count(*) FILTER (WHERE status NOT IN ${FINISHED}) AS active,
         count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE status = 'failed') AS failed,
         count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
         coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens,
         count(DISTINCT lease_owner) FILTER (WHERE lease_expires_at > now()) AS workers
       FROM goals WHERE tenant_id = $1`,
      [tenantId],
    );
    const [agents]: Row[] = await this.dataSource.query(
      `SELECT count(DISTINCT agent_id) AS total,
         count(DISTINCT agent_id) FILTER (WHERE status = 'running') AS active
       FROM tasks WHERE tenant_id = $1 AND agent_id IS NOT NULL`,
      [tenantId],
    );
    const completed = num(goals.completed);
    const failed = num(goals.failed);
    return {
      goals: {
        total: num(goals.total),
        active: num(goals.active),
        completed,
        failed,
        cancelled: num(goals.cancelled),
      },
      agents: { total: num(agents.total), active: num(agents.active) },
      workers: { active: num(goals.workers), api_processes_jobs: this.config.PROCESS_JOBS },
      success_rate: completed + failed > 0 ? completed / (completed + failed) : null,
      total_tokens: num(goals.tokens),
      uptime_s: Math.round(process.uptime()),
      ws_clients: (await this.metrics.wsClients.get()).values[0]?.value ?? 0,
    };
  }

  async goals(tenantId: string, limit: number): Promise<DashboardGoalsDto> {
    const active: Row[] = await this.dataSource.query(
      `SELECT * FROM goals WHERE tenant_id = $1 AND status NOT IN ${FINISHED}
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    const recent: Row[] = await this.dataSource.query(
      `SELECT * FROM goals WHERE tenant_id = $1 AND status IN ${FINISHED}
       ORDER BY coalesce(completed_at, updated_at) DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    const ids = [...active, ...recent].map((g) => g.id as string);
    const tasks: Row[] = ids.length
      ? await this.dataSource.query(
          `SELECT t.* FROM tasks t JOIN goals g ON g.id = t.goal_id AND g.tenant_id = t.tenant_id
           WHERE t.tenant_id = $1 AND t.goal_id = ANY($2::uuid[]) AND t.plan_version = g.plan_version
           ORDER BY t.created_at, t.key`,
          [tenantId, ids],
        )
      : [];
    const byGoal = new Map<string, Row[]>();
    for (const t of tasks)
      byGoal.set(t.goal_id as string, [...(byGoal.get(t.goal_id as string) ?? []), t]);
    const view = (g: Row): DashboardGoalDto => {
      const started = g.started_at ? new Date(g.started_at as string).getTime() : null;
      const ended = g.completed_at ? new Date(g.completed_at as string).getTime() : Date.now();
      return {
        id: g.id as string,
        title: g.title as string,
        status: g.status as string,
        state: g.state as string,
        complexity: (g.complexity as string | null) ?? null,
        pattern: ((g.pattern ?? g.requested_pattern) as string | null) ?? null,
        result: (g.result as Record<string, unknown> | null) ?? null,
        failure_reasons: (g.failure_reasons as string[] | null) ?? [],
        total_tokens: num(g.prompt_tokens) + num(g.completion_tokens),
        created_at: iso(g.created_at)!,
        duration_ms: started === null ? null : ended - started,
        tasks: (byGoal.get(g.id as string) ?? []).map((t) => ({
          id: t.id as string,
          key: t.key as string,
          title: t.title as string,
          status: t.status as string,
          depends_on: (t.depends_on as string[]) ?? [],
          agent_id: (t.agent_id as string | null) ?? null,
          agent_kind: (t.agent_kind as string | null) ?? null,
          attempts: num(t.attempts),
          output: (t.output as Record<string, unknown> | null) ?? null,
          error: (t.error as string | null) ?? null,
        })),
      };
    };
    return { active: active.map(view), recent: recent.map(view) };
  }

  async agents(tenantId: string, limit: number): Promise<DashboardAgentsDto> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT agent_id, max(agent_kind) AS agent_kind, count(*) AS total,
         count(*) FILTER (WHERE status = 'running') AS running,
         count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE status = 'failed') AS failed,
         coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens,
         max(coalesce(completed_at, started_at, updated_at)) AS last_active_at
       FROM tasks WHERE tenant_id = $1 AND agent_id IS NOT NULL
       GROUP BY agent_id ORDER BY max(updated_at) DESC LIMIT $2`,
      [tenantId, limit],
    );
    return {
      source: 'tasks',
      items: rows.map((r) => {
        const finished = num(r.completed) + num(r.failed);
        return {
          agent_id: r.agent_id as string,
          agent_kind: (r.agent_kind as string) ?? 'unknown',
          status: num(r.running) > 0 ? 'busy' : 'idle',
          tasks_total: num(r.total),
          tasks_running: num(r.running),
          tasks_completed: num(r.completed),
          tasks_failed: num(r.failed),
          score: finished > 0 ? num(r.completed) / finished : null,
          total_tokens: num(r.tokens),
          last_active_at: iso(r.last_active_at),
        };
      }),
    };
  }

  async widget(tenantId: string, widget: 'goals' | 'agents' | 'metrics'): Promise<WidgetDto> {
    const since = new Date(Date.now() - HOURS * 3600_000);
    if (widget === 'goals') {
      const counts: Row[] = await this.dataSource.query(
        `SELECT status, count(*) AS n FROM goals WHERE tenant_id = $1 GROUP BY status`,
        [tenantId],
      );
      const values: Record<string, number> = {};
      for (const s of [
        'pending',
        'running',
        'awaiting_approval',
        'completed',
        'failed',
        'cancelled',
      ])
        values[s] = 0;
      for (const r of counts) values[r.status as string] = num(r.n);
      const created = await this.hourly(
        `SELECT date_trunc('hour', created_at) AS t, count(*) AS v FROM goals
         WHERE tenant_id = $1 AND created_at >= $2 GROUP BY 1`,
        tenantId,
        since,
      );
      const completed = await this.hourly(
        `SELECT date_trunc('hour', completed_at) AS t, count(*) AS v FROM goals
         WHERE tenant_id = $1 AND status = 'completed' AND completed_at >= $2 GROUP BY 1`,
        tenantId,
        since,
      );
      const failed = await this.hourly(
        `SELECT date_trunc('hour', completed_at) AS t, count(*) AS v FROM goals
         WHERE tenant_id = $1 AND status = 'failed' AND completed_at >= $2 GROUP BY 1`,
        tenantId,
        since,
      );
      return { widget, values, series: { created, completed, failed } };
    }
    if (widget === 'agents') {
      const kinds: Row[] = await this.dataSource.query(
        `SELECT coalesce(agent_kind, 'unknown') AS kind, count(DISTINCT agent_id) AS n FROM tasks
         WHERE tenant_id = $1 AND agent_id IS NOT NULL GROUP BY 1`,
        [tenantId],
      );
      const values = Object.fromEntries(kinds.map((k) => [k.kind as string, num(k.n)]));
      const tasks = await this.hourly(
        `SELECT date_trunc('hour', completed_at) AS t, count(*) AS v FROM tasks
         WHERE tenant_id = $1 AND status = 'completed' AND completed_at >= $2 GROUP BY 1`,
        tenantId,
        since,
      );
      return { widget, values, series: { tasks_completed: tasks } };
    }
    const [agg]: Row[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'completed') AS completed,
         count(*) FILTER (WHERE status = 'failed') AS failed,
         avg(extract(epoch FROM completed_at - started_at) * 1000) FILTER (WHERE status = 'completed') AS avg_ms,
         coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens
       FROM goals WHERE tenant_id = $1`,
      [tenantId],
    );
    const completed = num(agg.completed);
    const failed = num(agg.failed);
    const successRate = await this.hourly(
      `SELECT date_trunc('hour', completed_at) AS t,
         avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END) AS v FROM goals
       WHERE tenant_id = $1 AND status IN ('completed','failed') AND completed_at >= $2 GROUP BY 1`,
      tenantId,
      since,
    );
    const durations = await this.hourly(
      `SELECT date_trunc('hour', completed_at) AS t,
         avg(extract(epoch FROM completed_at - started_at) * 1000) AS v FROM goals
       WHERE tenant_id = $1 AND status = 'completed' AND completed_at >= $2 GROUP BY 1`,
      tenantId,
      since,
    );
    const tokens = await this.hourly(
      `SELECT date_trunc('hour', created_at) AS t, sum(prompt_tokens + completion_tokens) AS v
       FROM llm_calls WHERE tenant_id = $1 AND created_at >= $2 GROUP BY 1`,
      tenantId,
      since,
    );
    return {
      widget,
      values: {
        success_rate: completed + failed > 0 ? completed / (completed + failed) : null,
        avg_duration_ms: agg.avg_ms === null ? null : Math.round(num(agg.avg_ms)),
        total_tokens: num(agg.tokens),
        uptime_s: Math.round(process.uptime()),
      },
      series: { success_rate: successRate, duration_ms: durations, tokens },
    };
  }

  /** One point per hour of the last day (missing hours are 0), oldest first. */
  private async hourly(sql: string, tenantId: string, since: Date): Promise<SeriesPointDto[]> {
    const rows: Row[] = await this.dataSource.query(sql, [tenantId, since]);
    const byHour = new Map(rows.map((r) => [new Date(r.t as string).getTime(), num(r.v)]));
    const start = Math.floor(since.getTime() / 3600_000) * 3600_000;
    const points: SeriesPointDto[] = [];
    for (let t = start + 3600_000; t <= Date.now(); t += 3600_000)
      points.push({ t: new Date(t).toISOString(), value: byHour.get(t) ?? 0 });
    return points;
  }
}
