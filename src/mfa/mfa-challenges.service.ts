import { Inject, Injectable } from '@nestjs/common';
import { randomToken, sha256Hex, uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { securityEvents } from '../observability/security-events';
import { type MfaChallengeRow, MfaChallengeRepository } from './mfa-challenge.repository';
import { MfaEnrollment } from './mfa-enrollment.service';
import { MfaChallengeInvalid, MfaCodeInvalid, MfaLocked, MfaMethodUnavailable } from './mfa-errors';
import type { MfaKind } from './mfa-method.repository';
import { type CodeChannel, type MfaFactor, MfaVerifier } from './mfa-verifier.service';

export const CHALLENGE_TOKEN_PATTERN = /^avc_[A-Za-z0-9_-]{43}$/;

export interface IssuedChallenge {
  token: string;
  methods: MfaFactor[];
  expiresAt: Date;
}

/**
 * The step between a correct password and a session for a user with MFA: a challenge
 * (opaque token, stored as a hash) that one right code completes, once. Wrong codes count
 * on the challenge, which locks at MFA_MAX_ATTEMPTS, and on the user (see MfaVerifier).
 */
@Injectable()
export class MfaChallenges {
  constructor(
    private readonly challenges: MfaChallengeRepository,
    private readonly enrollment: MfaEnrollment,
    private readonly verifier: MfaVerifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(
    user: { tenantId: string; userId: string },
    kinds: MfaKind[],
    meta: { ip?: string; userAgent?: string; authMethod?: 'password' | 'sso' },
  ): Promise<IssuedChallenge> {
    await this.verifier.assertNotLocked(user.tenantId, user.userId);
    const token = `avc_${randomToken(32)}`;
    const expiresAt = new Date(Date.now() + this.config.MFA_CHALLENGE_MINUTES * 60_000);
    const methods = await this.challenges.atomically(async () => {
      await this.challenges.insertChallenge({
        id: uuidv7(),
        tenant_id: user.tenantId,
        user_id: user.userId,
        token_hash: sha256Hex(token),
        ip: meta.ip ?? null,
        user_agent: meta.userAgent?.slice(0, 500) ?? null,
        expires_at: expiresAt,
        auth_method: meta.authMethod ?? 'password',
      });
      const status = await this.enrollment.status(user.tenantId, user.userId);
      const factors: MfaFactor[] = [...kinds];
      if (status.backupCodesLeft > 0) factors.push('backup_code');
      securityEvents.publish({
        type: 'mfa.challenged',
        tenantId: user.tenantId,
        userId: user.userId,
        ip: meta.ip,
        details: { methods: factors.join(',') },
      });
      return factors;
    });
    return { token, methods, expiresAt };
  }

  /** Sends a code for the challenge by SMS or email, to the user's enrolled destination. */
  async sendCode(
    token: string,
    channel: CodeChannel,
  ): Promise<{ deliveryStatus: 'sent' | 'failed'; expiresAt: Date }> {
    const challenge = await this.live(token);
    const method = await this.enrollment.activeMethod(
      challenge.tenant_id,
      challenge.user_id,
      channel,
    );
    if (!method.destination) throw new MfaMethodUnavailable(channel);
    return this.verifier.sendCode({
      tenantId: challenge.tenant_id,
      userId: challenge.user_id,
      channel,
      purpose: 'login',
      destination: method.destination,
      challengeId: challenge.id,
    });
  }

  /** Completes the challenge with a right code: whose sign-in it was. */
  async complete(
    token: string,
    method: MfaFactor,
    code: string,
    ip?: string,
  ): Promise<{ tenantId: string; userId: string; authMethod: 'password' | 'sso' }> {
    const challenge = await this.live(token);
    const who = { tenantId: challenge.tenant_id, userId: challenge.user_id };
    try {
      await this.verifier.verify({
        ...who,
        method,
        code,
        purpose: 'login',
        challengeId: challenge.id,
        ip,
      });
    } catch (error) {
      if (error instanceof MfaCodeInvalid || error instanceof MfaLocked) {
        const counted = await this.challenges.failChallenge(
          challenge.tenant_id,
          challenge.id,
          this.config.MFA_MAX_ATTEMPTS,
        );
        if (counted.locked && error instanceof MfaCodeInvalid)
          throw new MfaChallengeInvalid(
            'Too many wrong codes: this sign-in is locked; sign in again later.',
          );
        if (error instanceof MfaCodeInvalid)
          throw new MfaCodeInvalid(Math.max(0, this.config.MFA_MAX_ATTEMPTS - counted.failures));
      }
      throw error;
    }
    await this.challenges.atomically(async () => {
      if (!(await this.challenges.completeChallenge(challenge.tenant_id, challenge.id)))
        throw new MfaChallengeInvalid();
      securityEvents.publish({
        type: 'mfa.verified',
        ...who,
        ip,
        details: { method, purpose: 'login' },
      });
    });
    return { ...who, authMethod: challenge.auth_method === 'sso' ? 'sso' : 'password' };
  }

  private async live(token: string): Promise<MfaChallengeRow> {
    if (!CHALLENGE_TOKEN_PATTERN.test(token)) throw new MfaChallengeInvalid();
    const challenge = await this.challenges.challengeByTokenHash(sha256Hex(token));
    if (
      !challenge ||
      challenge.completed_at ||
      challenge.locked_at ||
      new Date(challenge.expires_at) <= new Date()
    )
      throw new MfaChallengeInvalid();
    return challenge;
  }
}
