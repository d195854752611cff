import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { connectedClients } from '../common/connected-clients';
import {
  DashboardReadModelRepository,
  type DashboardGoalRow,
  type DashboardTaskRow,
  type HourlySeries,
} from './dashboard-read-model.repository';
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

const HOURS = 24;
const VERSION = '0.1.0';

const num = (v: unknown) => Number(v ?? 0);
const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);

/** The dashboard's read models: tenant-scoped aggregates over goals, tasks and LLM calls. */
@Injectable()
export class DashboardService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readModel: DashboardReadModelRepository,
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
    const goals = await this.readModel.goalTotals(tenantId);
    const agents = await this.readModel.agentTotals(tenantId);
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
      ws_clients: connectedClients.of(tenantId),
    };
  }

  async goals(tenantId: string, limit: number): Promise<DashboardGoalsDto> {
    const active = await this.readModel.activeGoals(tenantId, limit);
    const recent = await this.readModel.recentGoals(tenantId, limit);
    const ids = [...active, ...recent].map((g) => g.id);
    const tasks = ids.length ? await this.readModel.currentTasks(tenantId, ids) : [];
    const byGoal = new Map<string, DashboardTaskRow[]>();
    for (const t of tasks) byGoal.set(t.goal_id, [...(byGoal.get(t.goal_id) ?? []), t]);
    const view = (g: DashboardGoalRow): DashboardGoalDto => {
      const started = g.started_at ? new Date(g.started_at).getTime() : null;
      const ended = g.completed_at ? new Date(g.completed_at).getTime() : Date.now();
      return {
        id: g.id,
        title: g.title,
        status: g.status,
        state: g.state,
        complexity: g.complexity ?? null,
        pattern: g.pattern ?? g.requested_pattern ?? null,
        result: (g.result as Record<string, unknown> | null) ?? null,
        failure_reasons: (g.failure_reasons as string[] | null) ?? [],
        total_tokens: num(g.prompt_tokens) + num(g.completion_tokens),
        created_at: iso(g.created_at)!,
        duration_ms: started === null ? null : ended - started,
        tasks: (byGoal.get(g.id) ?? []).map((t) => ({
          id: t.id,
          key: t.key,
          title: t.title,
          status: t.status,
          depends_on: t.depends_on ?? [],
          agent_id: t.agent_id ?? null,
          agent_kind: t.agent_kind ?? null,
          attempts: num(t.attempts),
          output: (t.output as Record<string, unknown> | null) ?? null,
          error: t.error ?? null,
        })),
      };
    };
    return { active: active.map(view), recent: recent.map(view) };
  }

  async agents(tenantId: string, limit: number): Promise<DashboardAgentsDto> {
    const rows = await this.readModel.agentActivity(tenantId, limit);
    return {
      source: 'tasks',
      items: rows.map((r) => {
        const finished = num(r.completed) + num(r.failed);
        return {
          agent_id: r.agent_id!,
          agent_kind: r.agent_kind ?? 'unknown',
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
      const counts = await this.readModel.goalStatusCounts(tenantId);
      const values: Record<string, number> = {};
      for (const s of [
        'queued',
        'running',
        'awaiting_approval',
        'completed',
        'failed',
        'cancelled',
      ])
        values[s] = 0;
      for (const r of counts) values[r.status] = num(r.n);
      const created = await this.hourly('goalsCreated', tenantId, since);
      const completed = await this.hourly('goalsCompleted', tenantId, since);
      const failed = await this.hourly('goalsFailed', tenantId, since);
      return { widget, values, series: { created, completed, failed } };
    }
    if (widget === 'agents') {
      const kinds = await this.readModel.agentKinds(tenantId);
      const values = Object.fromEntries(kinds.map((k) => [k.kind, num(k.n)]));
      const tasks = await this.hourly('tasksCompleted', tenantId, since);
      return { widget, values, series: { tasks_completed: tasks } };
    }
    const agg = await this.readModel.goalOutcomes(tenantId);
    const completed = num(agg.completed);
    const failed = num(agg.failed);
    const successRate = await this.hourly('successRate', tenantId, since);
    const durations = await this.hourly('durationMs', tenantId, since);
    const tokens = await this.hourly('tokens', tenantId, since);
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
  private async hourly(
    series: HourlySeries,
    tenantId: string,
    since: Date,
  ): Promise<SeriesPointDto[]> {
    const rows = await this.readModel.hourly(series, tenantId, since);
    const byHour = new Map(rows.map((r) => [new Date(r.t).getTime(), num(r.v)]));
    const start = Math.floor(since.getTime() / 3600_000) * 3600_000;
    const points: SeriesPointDto[] = [];
    for (let t = start + 3600_000; t <= Date.now(); t += 3600_000)
      points.push({ t: new Date(t).toISOString(), value: byHour.get(t) ?? 0 });
    return points;
  }
}
