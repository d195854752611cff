import type { EntityManager } from 'typeorm';
import { Conflict, uuidv7 } from '../../libs/common/src';
import type { AgentProfileRow, NewProfile } from './agent-profile.store';

/** The unique index that keeps one live (not retired) profile per name and tenant. */
const LIVE_NAME_CONFLICT = `ON CONFLICT (tenant_id, name) WHERE status <> 'retired' DO NOTHING`;

/**
 * Inserts profiles in one statement (a swarm's workers); refuses a live name with a 409,
 * also when a concurrent insert takes the name between the check and the insert.
 */
export async function insertProfiles(
  manager: EntityManager,
  tenantId: string,
  profiles: readonly NewProfile[],
): Promise<AgentProfileRow[]> {
  if (!profiles.length) return [];
  const rows = profiles.map(rowOf);
  const inserted = await insertRows(manager, tenantId, rows);
  const byId = new Map(inserted.map((r) => [r.id, r]));
  const missing = rows.find((r) => !byId.has(r.id));
  if (missing) throw nameTaken(missing.name);
  return rows.map((r) => byId.get(r.id)!);
}

/**
 * Find-or-create by live name: inserts the profile unless a live one of that name exists
 * (committed, or committed meanwhile by a concurrent transaction, which the insert waits
 * for), and then answers that one. A step run again after a crash, or two goals spawning
 * the same specialist at once, end with one profile instead of a unique-key error.
 */
export async function insertOrFindProfile(
  manager: EntityManager,
  tenantId: string,
  profile: NewProfile,
): Promise<{ row: AgentProfileRow; created: boolean }> {
  // the live row can be retired between the insert and the read: then the insert goes through
  for (let round = 0; round < 3; round++) {
    const [inserted] = await insertRows(manager, tenantId, [rowOf(profile)]);
    if (inserted) return { row: inserted, created: true };
    const [existing]: AgentProfileRow[] = await manager.query(
      `SELECT * FROM agent_profiles WHERE tenant_id = $1 AND name = $2 AND status <> 'retired'`,
      [tenantId, profile.name],
    );
    if (existing) return { row: existing, created: false };
  }
  throw nameTaken(profile.name);
}

function rowOf(p: NewProfile) {
  return {
    id: uuidv7(),
    kind: p.kind,
    name: p.name,
    capabilities: p.capabilities,
    specializations: p.specializations,
    system_prompt: p.systemPrompt,
    model: p.model ?? null,
    ephemeral: p.ephemeral ?? false,
    builtin: p.builtin ?? false,
    spawned_by_goal_id: p.spawnedByGoalId ?? null,
    status: p.ephemeral ? 'busy' : 'idle',
    running: p.ephemeral ? 1 : 0,
  };
}

/** Inserts the rows whose name is free; answers only the inserted ones. */
function insertRows(
  manager: EntityManager,
  tenantId: string,
  rows: ReadonlyArray<ReturnType<typeof rowOf>>,
): Promise<AgentProfileRow[]> {
  return manager.query(
    `INSERT INTO agent_profiles (id, tenant_id, kind, name, capabilities, specializations, system_prompt, model, ephemeral,
       builtin, spawned_by_goal_id, status, running)
     SELECT id, $1, kind, name, capabilities, specializations, system_prompt, model, ephemeral,
       builtin, spawned_by_goal_id, status, running
     FROM jsonb_to_recordset($2::jsonb) AS p(id uuid, kind text, name text, capabilities text[],
       specializations text[], system_prompt text, model text, ephemeral boolean, builtin boolean,
       spawned_by_goal_id uuid, status text, running integer)
     ${LIVE_NAME_CONFLICT}
     RETURNING *`,
    [tenantId, JSON.stringify(rows)],
  );
}

function nameTaken(name: string): Conflict {
  return new Conflict(
    'agent-name-taken',
    'Agent name taken',
    `An active agent named ${name} already exists.`,
    { errors: [{ field: 'name', message: 'is already used by an active agent' }] },
  );
}
