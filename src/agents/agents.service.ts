import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Conflict } from '#common';
import { analyzeIntentOffline } from '../planning/offline-heuristics';
import { AgentKind, KIND_SPECS, KindSpec, normalizeCapabilities } from './agent-kinds';
import { AgentProfileRow, AgentProfileStore } from './agent-profile.store';
import { AgentSelector } from './agent-selector.service';
import { AgentWorkforce } from './agent-workforce.service';
import type {
  AgentDto,
  AgentPageDto,
  CreateAgentDto,
  LedgerDto,
  RecommendationDto,
  TerminatedDto,
  UpdateAgentDto,
} from './dto/agent.dto';
import { ProgressLedger } from './progress-ledger.service';

/** The agent API's use cases. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: AgentProfileStore,
    private readonly selector: AgentSelector,
    private readonly workforce: AgentWorkforce,
    private readonly ledger: ProgressLedger,
  ) {}

  async list(
    tenantId: string,
    q: { kind?: string; status?: string; limit?: number; offset?: number },
  ): Promise<AgentPageDto> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const { items, total } = await this.profiles.list(tenantId, {
      kind: q.kind,
      status: q.status,
      limit,
      offset,
    });
    return { items: items.map(toAgentDto), total, limit, offset };
  }

  async get(tenantId: string, id: string): Promise<AgentDto> {
    await this.profiles.ensureDefaults(tenantId);
    return toAgentDto(await this.profiles.get(tenantId, id));
  }

  async create(tenantId: string, body: CreateAgentDto): Promise<AgentDto> {
    await this.profiles.ensureDefaults(tenantId);
    const kind = body.kind as AgentKind;
    const row = await this.dataSource.transaction((manager) =>
      this.profiles.insert(manager, tenantId, {
        kind,
        name: body.name,
        capabilities: normalizeCapabilities(body.capabilities),
        specializations: body.specializations ?? [],
        systemPrompt: body.system_prompt ?? KIND_SPECS[kind].systemPrompt,
        model: body.model ?? null,
      }),
    );
    return toAgentDto(row);
  }

  async update(tenantId: string, id: string, body: UpdateAgentDto): Promise<AgentDto> {
    const row = await this.profiles.update(tenantId, id, {
      name: body.name,
      capabilities: body.capabilities ? normalizeCapabilities(body.capabilities) : undefined,
      specializations: body.specializations,
      systemPrompt: body.system_prompt,
      model: body.model,
    });
    return toAgentDto(row);
  }

  async retire(tenantId: string, id: string): Promise<AgentDto> {
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.profiles.get(tenantId, id, manager);
      if (!(await this.profiles.retire(manager, tenantId, id)))
        throw new Conflict('agent-retired', 'Agent retired', `Agent ${id} is already retired.`);
      return { ...current, status: 'retired' as const, retired_at: new Date() };
    });
    this.workforce.terminate(id);
    return toAgentDto(row);
  }

  async terminate(tenantId: string, id: string): Promise<TerminatedDto> {
    const row = await this.profiles.get(tenantId, id);
    if (row.status === 'retired')
      throw new Conflict('agent-retired', 'Agent retired', `Agent ${id} is retired.`);
    if (row.running === 0)
      throw new Conflict('agent-idle', 'Agent idle', `Agent ${id} has no running work to stop.`);
    return { agent_id: id, stopped: this.workforce.terminate(id) };
  }

  async recommend(
    tenantId: string,
    task: string,
    capabilities?: string[],
  ): Promise<RecommendationDto> {
    const caps = capabilities?.length
      ? normalizeCapabilities(capabilities)
      : analyzeIntentOffline(task).capabilities;
    return this.selector.recommend(tenantId, {
      title: task,
      description: task,
      capabilities: caps,
    });
  }

  async ledgerOf(
    tenantId: string,
    goalId: string,
    after?: number,
    limit?: number,
  ): Promise<LedgerDto> {
    const rows = await this.ledger.list(tenantId, goalId, after ?? 0, limit ?? 500);
    return {
      goal_id: goalId,
      items: rows.map((r) => ({
        id: Number(r.id),
        step: r.step,
        kind: r.kind,
        task_id: r.task_id,
        plan_version: r.plan_version,
        agent_id: r.agent_id,
        fingerprint: r.fingerprint,
        is_satisfied: r.is_satisfied,
        is_looping: r.is_looping,
        is_progressing: r.is_progressing,
        stall_count: r.stall_count,
        next_instruction: r.next_instruction,
        facts: r.facts,
        created_at: new Date(r.created_at).toISOString(),
      })),
    };
  }
}

export function toAgentDto(row: AgentProfileRow): AgentDto {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    version: row.version,
    role: (KIND_SPECS as Partial<Record<string, KindSpec>>)[row.kind]?.role ?? row.kind,
    capabilities: row.capabilities,
    specializations: row.specializations,
    system_prompt: row.system_prompt,
    model: row.model,
    status: row.status,
    running: row.running,
    ephemeral: row.ephemeral,
    builtin: row.builtin,
    spawned_by_goal_id: row.spawned_by_goal_id,
    stats: {
      tasks: row.tasks,
      successes: row.successes,
      failures: row.failures,
      success_rate: Number(row.success_rate),
      task_type_scores: Object.fromEntries(
        Object.entries(row.task_type_scores ?? {}).map(([type, s]) => [
          type,
          { ...s, success_rate: s.tasks ? s.successes / s.tasks : 0 },
        ]),
      ),
      avg_tokens: Math.round(Number(row.avg_tokens)),
      avg_duration_ms: Math.round(Number(row.avg_duration_ms)),
      error_kinds: row.error_kinds ?? {},
      last_active: iso(row.last_active),
      reuse_count: row.reuse_count,
    },
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    retired_at: iso(row.retired_at),
  };
}
