import { Inject, Injectable } from '@nestjs/common';
import { TtlCache } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { normalizeEmail, UsersService } from '../identity/users.service';
import { TenantsService } from '../tenancy/tenants.service';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { InvalidLogin, TooManyRequests } from './auth-errors';
import { isLocked, lockoutDurationMs, LockoutPolicy, retryAfterSeconds } from './lockout';
import {
  addressBucket,
  LOGIN_THROTTLE_STORE,
  LoginThrottleStore,
  ThrottleCounter,
} from './login-throttle';
import { LoginSession, SessionsService } from '../sessions/sessions.service';

interface Attempts {
  failures: number;
  lockedUntil: Date | null;
}

/**
 * Password login. A wrong password, an unknown email, an unknown tenant and a disabled
 * user all answer the same 401 after one argon2 verification; unknown emails are locked
 * out like real ones, so the lock does not reveal which accounts exist. Besides the lock
 * per account, failures are counted per source address and per tenant across accounts,
 * so a password spray meets 429 too.
 */
@Injectable()
export class AuthService {
  private readonly policy: LockoutPolicy;
  private readonly unknownAttempts = new TtlCache<string, Attempts>(24 * 3_600_000, 100_000);

  constructor(
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsService,
    @Inject(LOGIN_THROTTLE_STORE) private readonly throttle: LoginThrottleStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

    const counters = this.throttleCounters(input.ip, tenantId ?? 'unknown');
    const verdict = await this.throttle.reserve(counters, this.config.LOGIN_THROTTLE_WINDOW_MS);
    if (!verdict.allowed)
      throw new TooManyRequests(
        verdict.retryAfterS,
        `Too many failed logins from this address or for this tenant. Try again in ${verdict.retryAfterS} s.`,
      );

    const passwordOk = await this.users.hasher.verify(user?.passwordHash, input.password);
    if (!user || !passwordOk || user.status !== 'active') {
      const failures = attempts.failures + 1;
      const lockMs = lockoutDurationMs(failures, this.policy);
      const lockedUntil = lockMs ? new Date(Date.now() + lockMs) : null;
      if (user) await this.users.recordLoginFailure(user.tenantId, user.id, lockedUntil);
      else this.unknownAttempts.set(unknownKey, { failures, lockedUntil });
      throw new InvalidLogin();
    }
    await this.throttle.release(counters.map((c) => c.key));
    await this.users.recordLoginSuccess(user.tenantId, user.id);
    return this.sessions.create(user.tenantId, user.id, {
      ip: input.ip,
      userAgent: input.userAgent,
    });
  }

  /** The counters a failed login counts on; a limit of 0 turns one off. */
  private throttleCounters(ip: string | undefined, tenantKey: string): ThrottleCounter[] {
    const counters: ThrottleCounter[] = [];
    if (ip && this.config.LOGIN_MAX_FAILURES_PER_IP > 0)
      counters.push({
        key: `ip:${addressBucket(ip)}`,
        limit: this.config.LOGIN_MAX_FAILURES_PER_IP,
      });
    if (this.config.LOGIN_MAX_FAILURES_PER_TENANT > 0)
      counters.push({
        key: `tenant:${tenantKey}`,
        limit: this.config.LOGIN_MAX_FAILURES_PER_TENANT,
      });
    return counters;
  }

  logout(session: { tenantId: string; sessionId: string }): Promise<void> {
    return this.sessions.revoke(session.tenantId, session.sessionId);
  }
}
