import { Conflict, uuidv7 } from '#common';
import type { SqlExecutor } from '../database/query-builder';
import type { NewProfile } from './agent-profile.store';
import type {
  AgentProfileRepository,
  AgentProfileRow,
  ProfileInsert,
} from './agent-profile.repository';

/**
 * Inserts profiles in one statement (a swarm's workers); refuses a live name with a 409,
 * also when a concurrent insert takes the name between the check and the insert.
 */
export async function insertProfiles(
  repository: AgentProfileRepository,
  executor: SqlExecutor,
  tenantId: string,
  profiles: readonly NewProfile[],
): Promise<AgentProfileRow[]> {
  if (!profiles.length) return [];
  const rows = profiles.map(rowOf);
  const inserted = await repository.insertFree(executor, tenantId, rows);
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
  repository: AgentProfileRepository,
  executor: SqlExecutor,
  tenantId: string,
  profile: NewProfile,
): Promise<{ row: AgentProfileRow; created: boolean }> {
  // the live row can be retired between the insert and the read: then the insert goes through
  for (let round = 0; round < 3; round++) {
    const [inserted] = await repository.insertFree(executor, tenantId, [rowOf(profile)]);
    if (inserted) return { row: inserted, created: true };
    const existing = await repository.liveByName(executor, tenantId, profile.name);
    if (existing) return { row: existing, created: false };
  }
  throw nameTaken(profile.name);
}

function rowOf(p: NewProfile): ProfileInsert {
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

export function nameTaken(name: string): Conflict {
  return new Conflict(
    'agent-name-taken',
    'Agent name taken',
    `An active agent named ${name} already exists.`,
    { errors: [{ field: 'name', message: 'is already used by an active agent' }] },
  );
}
