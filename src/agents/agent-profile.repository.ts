import { Injectable } from '@nestjs/common';
import type { Compilable } from 'kysely';
import { affectedBy, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { OutcomeFold } from './agent-profile-fold';
import type {
  AgentProfileRow,
  ProfileEdit,
  ProfileInsert,
  ProfilePageFilter,
} from './agent-profile.row';
import { statements } from './agent-profile.statements';

export type {
  AgentProfileRow,
  ProfileEdit,
  ProfileInsert,
  ProfilePageFilter,
} from './agent-profile.row';

const count = async (executor: SqlExecutor, statement: Compilable<{ n: string }>) =>
  Number((await firstOf(executor, statement))?.n ?? 0);

/** Every statement on `agent_profiles`, run on the executor given (data source or transaction). */
@Injectable()
export class AgentProfileRepository {
  builtinCount(executor: SqlExecutor, tenantId: string): Promise<number> {
    return count(executor, statements.builtinCount(tenantId));
  }

  async seedBuiltin(
    executor: SqlExecutor,
    tenantId: string,
    profile: Parameters<typeof statements.seedBuiltin>[1],
  ): Promise<void> {
    await rowsOf(executor, statements.seedBuiltin(tenantId, profile));
  }

  pageCount(executor: SqlExecutor, tenantId: string, filter: ProfilePageFilter): Promise<number> {
    return count(executor, statements.count(tenantId, filter));
  }

  page(
    executor: SqlExecutor,
    tenantId: string,
    filter: ProfilePageFilter,
  ): Promise<AgentProfileRow[]> {
    return rowsOf(executor, statements.page(tenantId, filter));
  }

  byId(executor: SqlExecutor, tenantId: string, id: string): Promise<AgentProfileRow | undefined> {
    return firstOf(executor, statements.byId(tenantId, id));
  }

  liveByName(
    executor: SqlExecutor,
    tenantId: string,
    name: string,
  ): Promise<AgentProfileRow | undefined> {
    return firstOf(executor, statements.liveByName(tenantId, name));
  }

  async liveNamesLike(executor: SqlExecutor, tenantId: string, base: string): Promise<string[]> {
    return (await rowsOf(executor, statements.liveNamesLike(tenantId, base))).map((r) => r.name);
  }

  liveOfKinds(
    executor: SqlExecutor,
    tenantId: string,
    kinds: readonly string[],
  ): Promise<AgentProfileRow[]> {
    return rowsOf(executor, statements.liveOfKinds(tenantId, kinds));
  }

  async isNameTakenByOther(
    executor: SqlExecutor,
    tenantId: string,
    name: string,
    id: string,
  ): Promise<boolean> {
    return (await rowsOf(executor, statements.nameTakenByOther(tenantId, name, id))).length > 0;
  }

  insertFree(
    executor: SqlExecutor,
    tenantId: string,
    rows: readonly ProfileInsert[],
  ): Promise<AgentProfileRow[]> {
    return rowsOf(executor, statements.insertFree(tenantId, rows));
  }

  edit(
    executor: SqlExecutor,
    tenantId: string,
    id: string,
    edit: ProfileEdit,
  ): Promise<AgentProfileRow | undefined> {
    return firstOf(executor, statements.edit(tenantId, id, edit));
  }

  /** False when the profile was already retired. */
  async retire(executor: SqlExecutor, tenantId: string, id: string): Promise<boolean> {
    return (await affectedBy(executor, statements.retire(tenantId, id))) === 1;
  }

  startWork(
    executor: SqlExecutor,
    tenantId: string,
    id: string,
  ): Promise<AgentProfileRow | undefined> {
    return firstOf(executor, statements.startWork(tenantId, id));
  }

  /** `startWork` for the tasks of the start statement's `change` CTE, as a CTE. */
  startWorkForStarts(tenantId: string) {
    return statements.startWorkForStarts(tenantId);
  }

  async finishWork(executor: SqlExecutor, tenantId: string, id: string): Promise<void> {
    await affectedBy(executor, statements.finishWork(tenantId, id));
  }

  async foldOutcomes(
    executor: SqlExecutor,
    tenantId: string,
    folds: readonly OutcomeFold[],
    retire: boolean,
  ): Promise<void> {
    await rowsOf(executor, statements.foldOutcomes(tenantId, folds, retire));
  }

  /** `foldOutcomes` as a change to run with other statements (such as its event). */
  foldOutcomesChange(tenantId: string, folds: readonly OutcomeFold[], retire: boolean) {
    return statements.foldOutcomes(tenantId, folds, retire);
  }

  /** The `folds` CTE: the successful outcomes of the stored completions, summed per agent. */
  foldsOfCompletions() {
    return statements.foldsOfCompletions();
  }

  /** The learning step as a CTE folding the rows of the `folds` CTE into the profiles. */
  foldFromRows(tenantId: string) {
    return statements.foldFromRows(tenantId);
  }

  async markReused(executor: SqlExecutor, tenantId: string, ids: readonly string[]): Promise<void> {
    if (ids.length) await affectedBy(executor, statements.markReused(tenantId, ids));
  }

  async lockSpawns(executor: SqlExecutor, tenantId: string): Promise<void> {
    await rowsOf(executor, statements.lockSpawns(tenantId));
  }

  countRunning(executor: SqlExecutor, tenantId: string): Promise<number> {
    return count(executor, statements.countRunning(tenantId));
  }

  countSpawnedForGoal(executor: SqlExecutor, tenantId: string, goalId: string): Promise<number> {
    return count(executor, statements.countSpawnedForGoal(tenantId, goalId));
  }
}
