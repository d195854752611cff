import { Inject, Injectable } from '@nestjs/common';
import { TtlCache } from '../../libs/common/src';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { normalizeEmail, UsersService } from '../identity/users.service';
import { TenantsService } from '../tenancy/tenants.service';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { InvalidLogin, TooManyRequests } from './auth-errors';
import { isLocked, lockoutDurationMs, LockoutPolicy, retryAfterSeconds } from './lockout';
import { LoginSession, SessionsService } from '../sessions/sessions.service';

interface Attempts {
  failures: number;
  lockedUntil: Date | null;
}

/**
 * Password login. A wrong password, an unknown email, an unknown tenant and a disabled
 * user all answer the same 401 after one argon2 verification; unknown emails are locked
 * out like real ones, so the lock does not reveal which accounts exist.
 */
@Injectable()
export class AuthService {
  private readonly policy: LockoutPolicy;
  private readonly unknownAttempts = new TtlCache<string, Attempts>(24 * 3_600_000, 100_000);

  constructor(
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = {
      maxFailures: config.LOGIN_MAX_FAILURES,
      baseMs: config.LOGIN_LOCKOUT_BASE_MS,
      maxMs: config.LOGIN_LOCKOUT_MAX_MS,
    };
  }

  async login(input: {
    email: string;
    password: string;
    tenant?: string;
    ip?: string;
    userAgent?: string;
  }): Promise<{ token: string; session: LoginSession }> {
    const tenant = input.tenant ? await this.tenants.findByRef(input.tenant) : undefined;
    const tenantId = input.tenant ? tenant?.id : DEFAULT_TENANT_ID;
    const user = tenantId ? await this.users.findByEmail(tenantId, input.email) : undefined;
    const unknownKey = `${tenantId ?? input.tenant}:${normalizeEmail(input.email)}`;
    const attempts: Attempts = user
      ? { failures: user.failedLoginCount, lockedUntil: user.lockedUntil }
      : (this.unknownAttempts.get(unknownKey) ?? { failures: 0, lockedUntil: null });

    if (isLocked(attempts.lockedUntil)) {
      const retry = retryAfterSeconds(attempts.lockedUntil!);
      throw new TooManyRequests(retry, `Too many failed logins. Try again in ${retry} s.`);
    }

    const passwordOk = await this.users.hasher.verify(user?.passwordHash, input.password);
    if (!user || !passwordOk || user.status !== 'active') {
      const failures = attempts.failures + 1;
      const lockMs = lockoutDurationMs(failures, this.policy);
      const lockedUntil = lockMs ? new Date(Date.now() + lockMs) : null;
      if (user) await this.users.recordLoginFailure(user.tenantId, user.id, lockedUntil);
      else this.unknownAttempts.set(unknownKey, { failures, lockedUntil });
      throw new InvalidLogin();
    }
    await this.users.recordLoginSuccess(user.tenantId, user.id);
    return this.sessions.create(user.tenantId, user.id, {
      ip: input.ip,
      userAgent: input.userAgent,
    });
  }

  logout(session: { tenantId: string; sessionId: string }): Promise<void> {
    return this.sessions.revoke(session.tenantId, session.sessionId);
  }
}
