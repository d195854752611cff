import { Inject, Injectable } from '@nestjs/common';
import type { AccessContext } from '../access/access-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { MfaEnrollment } from '../mfa/mfa-enrollment.service';
import { MfaVerifier, type MfaFactor } from '../mfa/mfa-verifier.service';
import { SessionsService } from '../sessions/sessions.service';

export type ElevationProof = { password: string } | { method: MfaFactor; code: string };

/**
 * Re-authentication before dangerous actions: the session's user proves it again (password
 * or a second factor); the session gets a new token, elevated for SESSION_ELEVATION_MINUTES.
 * Wrong proofs count toward the user's MFA lock, so elevation cannot be brute-forced.
 */
@Injectable()
export class Elevation {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly verifier: MfaVerifier,
    private readonly enrollment: MfaEnrollment,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async elevate(
    caller: AccessContext,
    proof: ElevationProof,
  ): Promise<{ token: string; sessionId: string; elevatedUntil: Date }> {
    const sessionId = caller.principal.sessionId!;
    const who = { tenantId: caller.homeTenantId, userId: caller.userId };
    if ('password' in proof) {
      await this.verifier.assertNotLocked(who.tenantId, who.userId);
      const user = await this.users.get(who.tenantId, who.userId);
      if (!(await this.users.hasher.verify(user.passwordHash, proof.password)))
        await this.verifier.countFailure({
          ...who,
          method: 'password',
          purpose: 'elevate',
          ip: caller.clientIp,
        });
      await this.verifier.clearFailures(who.tenantId, who.userId);
    } else {
      await this.verifier.verify({
        ...who,
        method: proof.method,
        code: proof.code,
        purpose: proof.method === 'sms' || proof.method === 'email' ? 'elevate' : 'login',
        ip: caller.clientIp,
      });
    }
    const elevatedUntil = new Date(Date.now() + this.config.SESSION_ELEVATION_MINUTES * 60_000);
    const token = await this.sessions.rotate(
      { ...who, id: sessionId },
      { elevatedUntil, ...('method' in proof ? { mfaVerified: true } : {}) },
      'elevated',
    );
    return { token, sessionId, elevatedUntil };
  }

  /** Sends a code for elevation to the user's enrolled phone or address. */
  async sendCode(caller: AccessContext, channel: 'sms' | 'email') {
    const who = { tenantId: caller.homeTenantId, userId: caller.userId };
    const method = await this.enrollment.activeMethod(who.tenantId, who.userId, channel);
    return this.verifier.sendCode({
      ...who,
      channel,
      purpose: 'elevate',
      destination: method.destination ?? '',
    });
  }
}
