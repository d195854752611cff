import { Inject, Injectable } from '@nestjs/common';
import { TtlCache } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { normalizeEmail, UsersService } from '../identity/users.service';
import { TenantsService } from '../tenancy/tenants.service';
import { admitsRequests } from '../tenancy/tenant-lifecycle';
import { TenantNotActive } from '../tenancy/tenant-errors';
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
import type { SessionType } from '../sessions/session-status';
import { type IssuedChallenge, MfaChallenges } from '../mfa/mfa-challenges.service';
import { MfaEnrollment } from '../mfa/mfa-enrollment.service';
import type { MfaFactor } from '../mfa/mfa-verifier.service';
import { TrustedDevices } from '../mfa/trusted-devices.service';
import { securityEvents } from '../observability/security-events';

export interface LoginInput {
  email: string;
  password: string;
  tenant?: string;
  ip?: string;
  userAgent?: string;
  sessionType?: SessionType;
  /** A session token the client already held: it ends at sign-in. */
  presentedToken?: string;
  /** The trusted-device cookie, which lets a sign-in skip the second factor. */
  deviceCookie?: string;
}

export interface MfaVerifyInput {
  challengeToken: string;
  method: MfaFactor;
  code: string;
  trustDevice?: boolean;
  deviceName?: string;
  ip?: string;
  userAgent?: string;
  sessionType?: SessionType;
  presentedToken?: string;
}

export interface SignedIn {
  status: 'authenticated';
  token: string;
  session: LoginSession;
}

export interface TrustedDeviceCookie {
  cookie: string;
  expiresAt: Date;
}

export type LoginOutcome = SignedIn | { status: 'mfa_required'; challenge: IssuedChallenge };

interface Attempts {
  failures: number;
  lockedUntil: Date | null;
}

/**
 * Password login. A wrong password, an unknown email, an unknown tenant and a disabled
 * user all answer the same 401 after one argon2 verification; unknown emails are locked
 * out like real ones, so the lock does not reveal which accounts exist. Besides the lock
 * per account, failures are counted per source address and per tenant across accounts,
 * so a password spray meets 429 too. A user with a second factor gets a challenge instead
 * of a session, unless the browser is one of their trusted devices.
 */
@Injectable()
export class AuthService {
  private readonly policy: LockoutPolicy;
  private readonly unknownAttempts = new TtlCache<string, Attempts>(24 * 3_600_000, 100_000);

  constructor(
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaEnrollment,
    private readonly challenges: MfaChallenges,
    private readonly trustedDevices: TrustedDevices,
    @Inject(LOGIN_THROTTLE_STORE) private readonly throttle: LoginThrottleStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.policy = {
      maxFailures: config.LOGIN_MAX_FAILURES,
      baseMs: config.LOGIN_LOCKOUT_BASE_MS,
      maxMs: config.LOGIN_LOCKOUT_MAX_MS,
    };
  }

  async login(input: LoginInput): Promise<LoginOutcome> {
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

    // counted (and locked when due) before the slow password check: attempts running at
    // once must not all read the same count and slip under the limit together
    const lockedUntil = user
      ? await this.reserveKnown(user)
      : this.reserveUnknown(unknownKey, attempts);
    if (lockedUntil) {
      await this.throttle.release(counters.map((c) => c.key));
      const retry = retryAfterSeconds(lockedUntil);
      throw new TooManyRequests(retry, `Too many failed logins. Try again in ${retry} s.`);
    }

    const passwordOk = await this.users.hasher.verify(user?.passwordHash, input.password);
    if (!user || !passwordOk || user.status !== 'active') {
      securityEvents.publish({
        type: 'auth.login_failed',
        tenantId,
        userId: user?.id,
        ip: input.ip,
        details: { reason: user ? 'invalid-credentials' : 'unknown-user' },
      });
      throw new InvalidLogin();
    }
    await this.throttle.release(counters.map((c) => c.key));
    // the status only after a right password: it tells nothing to someone without one
    const home = tenant ?? (await this.tenants.get(user.tenantId));
    if (!admitsRequests(home.status)) {
      await this.users.clearLoginFailures(user.tenantId, user.id);
      throw new TenantNotActive(home.status, home.statusReason);
    }
    await this.users.recordLoginSuccess(user.tenantId, user.id);
    await this.endPresented(input.presentedToken);

    const who = { tenantId: user.tenantId, userId: user.id };
    const kinds = await this.mfa.activeKinds(who.tenantId, who.userId);
    if (kinds.length) {
      if (await this.trustedDevices.isTrusted(who, input.deviceCookie))
        return this.signedIn(who, input, { mfaVerified: true, via: 'trusted-device' });
      return { status: 'mfa_required', challenge: await this.challenges.issue(who, kinds, input) };
    }
    return this.signedIn(who, input, { mfaVerified: false, enrollmentOnly: home.mfaRequired });
  }

  /**
   * A sign-in another party verified (an identity provider): the same rules after the
   * password as `login` (tenant status, the second factor unless the device is trusted or
   * the provider's own MFA is trusted), with a session of auth method `sso`.
   */
  async federatedLogin(
    who: { tenantId: string; userId: string },
    input: Omit<LoginInput, 'email' | 'password' | 'tenant'> & { idpMfaTrusted: boolean },
  ): Promise<LoginOutcome> {
    const home = await this.tenants.get(who.tenantId);
    if (!admitsRequests(home.status)) throw new TenantNotActive(home.status, home.statusReason);
    await this.users.recordLoginSuccess(who.tenantId, who.userId);
    await this.endPresented(input.presentedToken);
    if (input.idpMfaTrusted)
      return this.signedIn(who, input, { mfaVerified: true, via: 'idp', authMethod: 'sso' });
    const kinds = await this.mfa.activeKinds(who.tenantId, who.userId);
    if (kinds.length) {
      if (await this.trustedDevices.isTrusted(who, input.deviceCookie))
        return this.signedIn(who, input, {
          mfaVerified: true,
          via: 'trusted-device',
          authMethod: 'sso',
        });
      return {
        status: 'mfa_required',
        challenge: await this.challenges.issue(who, kinds, { ...input, authMethod: 'sso' }),
      };
    }
    return this.signedIn(who, input, {
      mfaVerified: false,
      enrollmentOnly: home.mfaRequired,
      authMethod: 'sso',
    });
  }

  /** Completes a sign-in with a second factor: a new session, and a trusted device if asked. */
  async verifyMfa(input: MfaVerifyInput): Promise<SignedIn & { device?: TrustedDeviceCookie }> {
    const { authMethod, ...who } = await this.challenges.complete(
      input.challengeToken,
      input.method,
      input.code,
      input.ip,
    );
    await this.endPresented(input.presentedToken);
    const signedIn = await this.signedIn(who, input, {
      mfaVerified: true,
      via: input.method,
      authMethod,
    });
    if (!input.trustDevice) return signedIn;
    const device = await this.trustedDevices.add(who, {
      name: input.deviceName,
      userAgent: input.userAgent,
      ip: input.ip,
    });
    return { ...signedIn, device: { cookie: device.cookie, expiresAt: device.expiresAt } };
  }

  private async signedIn(
    who: { tenantId: string; userId: string },
    meta: { ip?: string; userAgent?: string; sessionType?: SessionType },
    state: {
      mfaVerified: boolean;
      enrollmentOnly?: boolean;
      via?: string;
      authMethod?: 'password' | 'sso';
    },
  ): Promise<SignedIn> {
    return this.sessions.atomically(async () => {
      const { token, session } = await this.sessions.create({
        ...who,
        type: meta.sessionType ?? 'web',
        authMethod: state.authMethod ?? 'password',
        mfaVerified: state.mfaVerified,
        enrollmentOnly: state.enrollmentOnly,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      securityEvents.publish({
        type: 'auth.logged_in',
        ...who,
        sessionId: session.id,
        ip: meta.ip,
        details: {
          mfa: state.via ?? 'none',
          method: state.authMethod ?? 'password',
          enrollment_required: state.enrollmentOnly ?? false,
        },
      });
      return { status: 'authenticated' as const, token, session };
    });
  }

  /** Counts an attempt on a real account: undefined, or until when it is locked. */
  private async reserveKnown(user: { tenantId: string; id: string }): Promise<Date | undefined> {
    const counted = await this.users.reserveLoginAttempt(user.tenantId, user.id, (failures) =>
      this.lockFor(failures),
    );
    if (counted !== undefined) return undefined;
    const current = await this.users.find(user.tenantId, user.id);
    return current?.lockedUntil ?? new Date(Date.now() + 1000);
  }

  /** The same for an email nobody has, in memory: no await between reading and counting. */
  private reserveUnknown(key: string, attempts: Attempts): Date | undefined {
    const current = this.unknownAttempts.get(key) ?? attempts;
    if (isLocked(current.lockedUntil)) return current.lockedUntil!;
    const failures = current.failures + 1;
    this.unknownAttempts.set(key, { failures, lockedUntil: this.lockFor(failures) });
    return undefined;
  }

  private lockFor(failures: number): Date | null {
    const lockMs = lockoutDurationMs(failures, this.policy);
    return lockMs ? new Date(Date.now() + lockMs) : null;
  }

  /** A token the client held before signing in is ended, whoever's it was: no fixation. */
  private async endPresented(token: string | undefined): Promise<void> {
    if (!token) return;
    const session = await this.sessions.verify(token);
    if (session) await this.sessions.revoke(session.tenantId, session.id, 'replaced-by-login');
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

  async logout(session: { tenantId: string; sessionId: string; userId: string }): Promise<void> {
    await this.sessions.atomically(async () => {
      await this.sessions.revoke(session.tenantId, session.sessionId, 'signed-out', session.userId);
      securityEvents.publish({
        type: 'auth.logged_out',
        tenantId: session.tenantId,
        userId: session.userId,
        sessionId: session.sessionId,
      });
    });
  }
}
