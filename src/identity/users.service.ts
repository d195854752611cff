import { Injectable } from '@nestjs/common';
import { Conflict, NotFound, uuidv7 } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import { currentContext, recordChange } from '../common/request-context';
import { securityEvents, type SecurityEventType } from '../observability/security-events';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordHasher } from './password-hasher';
import { UserRepository, type UserRow } from './user.repository';

export type UserStatus = 'active' | 'disabled';

export interface User {
  id: string;
  tenantId: string;
  email: string;
  displayName: string;
  status: UserStatus;
  passwordHash: string | null;
  failedLoginCount: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  status: r.status as UserStatus,
  passwordHash: r.password_hash,
  failedLoginCount: r.failed_login_count,
  lockedUntil: r.locked_until ? new Date(r.locked_until) : null,
  lastLoginAt: r.last_login_at ? new Date(r.last_login_at) : null,
  createdAt: new Date(r.created_at),
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  displayName: string;
  password?: string;
}

/** Users of a tenant. Every query is scoped by tenant_id. */
@Injectable()
export class UsersService {
  readonly hasher = new PasswordHasher();

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionsService,
  ) {}

  async create(tenantId: string, input: NewUser): Promise<User> {
    const email = normalizeEmail(input.email);
    const passwordHash = input.password ? await this.hasher.hash(input.password) : null;
    const row = await this.users.atomically(async () => {
      const inserted = await this.users.insert({
        id: uuidv7(),
        tenant_id: tenantId,
        email,
        display_name: input.displayName,
        password_hash: passwordHash,
      });
      if (!inserted)
        throw new Conflict(
          'user-exists',
          'User exists',
          `A user with email ${email} exists in this tenant.`,
        );
      announce('user.created', tenantId, inserted.id, { email, display_name: input.displayName });
      return inserted;
    });
    return toUser(row);
  }

  async get(tenantId: string, id: string): Promise<User> {
    const row = await this.users.byId(tenantId, id);
    if (!row) throw new NotFound('user', id);
    return toUser(row);
  }

  async find(tenantId: string, id: string): Promise<User | undefined> {
    const row = await this.users.byId(tenantId, id);
    return row ? toUser(row) : undefined;
  }

  /** The tenant a user belongs to, whichever tenant asks (undefined when there is no such user). */
  async homeTenantOf(id: string): Promise<string | undefined> {
    return this.users.homeTenantOf(id);
  }

  /** A user's tenant and status, whichever tenant asks (undefined when there is no such user). */
  async stateOf(id: string): Promise<{ tenantId: string; status: string } | undefined> {
    const row = await this.users.stateOf(id);
    return row ? { tenantId: row.tenant_id, status: row.status } : undefined;
  }

  async findByEmail(tenantId: string, email: string): Promise<User | undefined> {
    const row = await this.users.byEmail(tenantId, normalizeEmail(email));
    return row ? toUser(row) : undefined;
  }

  async list(
    tenantId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: User[]; total: number }> {
    const rows = await this.users.page(tenantId, limit, offset);
    const total = await this.users.count(tenantId);
    return { items: rows.map(toUser), total };
  }

  /**
   * A new password or a disable ends the user's sessions at once (a password the user
   * changes in `keepSessionId` keeps that one session); a disable also stops their keys,
   * which the authenticator refuses for any owner who is not active.
   */
  async update(
    tenantId: string,
    id: string,
    changes: { displayName?: string; status?: UserStatus; password?: string },
    keepSessionId?: string,
  ): Promise<User> {
    const current = await this.get(tenantId, id);
    const passwordHash = changes.password
      ? await this.hasher.hash(changes.password)
      : current.passwordHash;
    const row = await this.users.atomically(async () => {
      const updated = await this.users.update(tenantId, id, {
        display_name: changes.displayName ?? current.displayName,
        status: changes.status ?? current.status,
        password_hash: passwordHash,
        passwordChanged: !!changes.password,
      });
      if (changes.password) recordChange('password', current.passwordHash, changes.password);
      if (changes.status && changes.status !== current.status)
        recordChange('status', current.status, changes.status);
      if (changes.displayName && changes.displayName !== current.displayName)
        recordChange('display_name', current.displayName, changes.displayName);
      const endsSessions = !!changes.password || changes.status === 'disabled';
      if (endsSessions) await this.sessions.endAllFor(tenantId, id, keepSessionId);
      else await accessInvalidation.userChanged(tenantId, id);
      announce('user.updated', tenantId, id, {
        status: changes.status ?? current.status,
        display_name: changes.displayName ?? current.displayName,
        password_changed: !!changes.password,
      });
      return updated;
    });
    return toUser(row!);
  }

  /** Deletes the user with their sessions, keys and role assignments. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.users.atomically(async () => {
      const affected = await this.users.delete(tenantId, id);
      if (!affected) throw new NotFound('user', id);
      // Sessions, keys and role assignments went with the row (ON DELETE CASCADE).
      await accessInvalidation.userChanged(tenantId, id);
      announce('user.deleted', tenantId, id, {});
    });
  }

  /**
   * Counts a sign-in attempt before its password is checked, and locks the user in the same
   * transaction when this count calls for it (`lockFor`), so attempts running at once each
   * get their own count and none slips past a lock another has set. Answers the count, or
   * undefined while the user is locked. A right password clears it again.
   */
  async reserveLoginAttempt(
    tenantId: string,
    id: string,
    lockFor: (failures: number) => Date | null,
  ): Promise<number | undefined> {
    return this.users.atomically(async () => {
      const failures = await this.users.countLoginAttempt(tenantId, id);
      if (failures === undefined) return undefined;
      const until = lockFor(failures);
      if (until) await this.users.lockLogin(tenantId, id, until);
      return failures;
    });
  }

  /** A right password whose sign-in goes no further (a suspended tenant): nothing counted. */
  async clearLoginFailures(tenantId: string, id: string): Promise<void> {
    await this.users.clearLoginFailures(tenantId, id);
  }

  async recordLoginSuccess(tenantId: string, id: string): Promise<void> {
    await this.users.recordLoginSuccess(tenantId, id);
  }
}

/** A change of a user, for webhooks and the log; the actor is the caller of the request, if any. */
function announce(
  type: Extract<SecurityEventType, `user.${string}`>,
  tenantId: string,
  userId: string,
  details: Record<string, string | boolean>,
): void {
  const principal = currentContext()?.principal;
  securityEvents.publish({
    type,
    tenantId,
    userId,
    actorId: principal && principal.kind !== 'anonymous' ? principal.id : undefined,
    details,
  });
}
