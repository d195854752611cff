import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Conflict, NotFound, uuidv7 } from '../../libs/common/src';
import { accessInvalidation } from '../common/access-invalidation';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordHasher } from './password-hasher';

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

interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  status: UserStatus;
  password_hash: string | null;
  failed_login_count: number;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  status: r.status,
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
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
  ) {}

  async create(tenantId: string, input: NewUser): Promise<User> {
    const email = normalizeEmail(input.email);
    const passwordHash = input.password ? await this.hasher.hash(input.password) : null;
    const rows: UserRow[] = await this.dataSource.query(
      `INSERT INTO users (id, tenant_id, email, display_name, password_hash)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, email) DO NOTHING RETURNING *`,
      [uuidv7(), tenantId, email, input.displayName, passwordHash],
    );
    if (!rows.length)
      throw new Conflict(
        'user-exists',
        'User exists',
        `A user with email ${email} exists in this tenant.`,
      );
    return toUser(rows[0]);
  }

  async get(tenantId: string, id: string): Promise<User> {
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT * FROM users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!rows.length) throw new NotFound('user', id);
    return toUser(rows[0]);
  }

  async find(tenantId: string, id: string): Promise<User | undefined> {
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT * FROM users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** The tenant a user belongs to, whichever tenant asks (undefined when there is no such user). */
  async homeTenantOf(id: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT tenant_id FROM users WHERE id = $1`,
      [id],
    );
    return rows[0]?.tenant_id;
  }

  async findByEmail(tenantId: string, email: string): Promise<User | undefined> {
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT * FROM users WHERE tenant_id = $1 AND email = $2`,
      [tenantId, normalizeEmail(email)],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async list(
    tenantId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: User[]; total: number }> {
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT * FROM users WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3`,
      [tenantId, limit, offset],
    );
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM users WHERE tenant_id = $1`,
      [tenantId],
    );
    return { items: rows.map(toUser), total: count };
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
    const [rows] = await this.dataSource.query(
      `UPDATE users SET display_name = $3, status = $4, password_hash = $5,
         failed_login_count = CASE WHEN $6 THEN 0 ELSE failed_login_count END,
         locked_until = CASE WHEN $6 THEN NULL ELSE locked_until END,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      [
        tenantId,
        id,
        changes.displayName ?? current.displayName,
        changes.status ?? current.status,
        passwordHash,
        !!changes.password,
      ],
    );
    const endsSessions = !!changes.password || changes.status === 'disabled';
    if (endsSessions) await this.sessions.endAllFor(tenantId, id, keepSessionId);
    else await accessInvalidation.userChanged(tenantId, id);
    return toUser((rows as UserRow[])[0]);
  }

  /** Deletes the user with their sessions, keys and role assignments. */
  async delete(tenantId: string, id: string): Promise<void> {
    const [, affected] = await this.dataSource.query(
      `DELETE FROM users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!affected) throw new NotFound('user', id);
    // Sessions, keys and role assignments went with the row (ON DELETE CASCADE).
    await accessInvalidation.userChanged(tenantId, id);
  }

  async recordLoginFailure(tenantId: string, id: string, lockedUntil: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET failed_login_count = failed_login_count + 1, locked_until = $3
       WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, lockedUntil],
    );
  }

  async recordLoginSuccess(tenantId: string, id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
  }
}
