import { Inject, Injectable } from '@nestjs/common';
import { uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { securityEvents } from '../observability/security-events';
import { type CodeSender, EMAIL_CODE_SENDER, SMS_CODE_SENDER } from './delivery/code-delivery';
import { normalizeBackupCode } from './kit/backup-codes';
import { MfaKeys } from './kit/mfa-keys';
import { isNumericCode, newNumericCode } from './kit/one-time-code';
import { verifyTotp } from './kit/totp';
import { MfaChallengeRepository } from './mfa-challenge.repository';
import {
  MfaCodeInvalid,
  MfaCodesTooFrequent,
  MfaLocked,
  MfaMethodUnavailable,
  MfaNotConfigured,
} from './mfa-errors';
import { MFA_KEYS } from './mfa-keys.provider';
import { type MfaKind, MfaMethodRepository } from './mfa-method.repository';

export type MfaFactor = MfaKind | 'backup_code';
export type CodeChannel = 'sms' | 'email';
export type CodePurpose = 'login' | 'enroll' | 'elevate';

export interface FactorAttempt {
  tenantId: string;
  userId: string;
  method: MfaFactor;
  code: string;
  purpose: CodePurpose;
  /** The login challenge an SMS or email code was sent for. */
  challengeId?: string;
  ip?: string;
}

const SENDS_PER_WINDOW = 5;
const SEND_WINDOW_MS = 15 * 60_000;

/**
 * Checks second-factor codes: TOTP (a step is accepted once), backup codes (each once),
 * and codes sent by SMS or email (each once, until they expire). Wrong codes count per
 * user in the database; past MFA_MAX_ATTEMPTS the user's second factor locks for
 * MFA_LOCK_MINUTES, across challenges, processes and restarts.
 */
@Injectable()
export class MfaVerifier {
  constructor(
    private readonly methods: MfaMethodRepository,
    private readonly challenges: MfaChallengeRepository,
    @Inject(MFA_KEYS) private readonly keys: MfaKeys | null,
    @Inject(EMAIL_CODE_SENDER) private readonly email: CodeSender | null,
    @Inject(SMS_CODE_SENDER) private readonly sms: CodeSender | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The sealing keys, or a 503 naming the missing setting. */
  requireKeys(): MfaKeys {
    if (!this.keys) throw new MfaNotConfigured('MFA (MFA_ENCRYPTION_KEY)');
    return this.keys;
  }

  async assertNotLocked(tenantId: string, userId: string): Promise<void> {
    const lockout = await this.challenges.lockoutOf(tenantId, userId);
    const until = lockout?.locked_until ? new Date(lockout.locked_until) : null;
    if (until && until > new Date()) throw new MfaLocked(secondsUntil(until));
  }

  /** Accepts a right code (spending it) or throws MfaCodeInvalid / MfaLocked. */
  async verify(attempt: FactorAttempt): Promise<void> {
    const { tenantId, userId } = attempt;
    await this.assertNotLocked(tenantId, userId);
    const matched = await this.challenges.atomically(async () => {
      if (!(await this.matches(attempt))) return false;
      await this.challenges.clearFailures(tenantId, userId);
      if (attempt.method === 'backup_code')
        securityEvents.publish({
          type: 'mfa.backup_code_used',
          tenantId,
          userId,
          ip: attempt.ip,
          details: { backup_codes_left: await this.methods.backupCodesLeft(tenantId, userId) },
        });
      return true;
    });
    if (matched) return;
    await this.countFailure(attempt);
  }

  /**
   * Counts a failed proof (a wrong code, or a wrong password at elevation) against the
   * user: throws MfaLocked when this one locks, MfaCodeInvalid otherwise.
   */
  async countFailure(attempt: {
    tenantId: string;
    userId: string;
    method: MfaFactor | 'password';
    purpose: CodePurpose;
    ip?: string;
  }): Promise<never> {
    const { tenantId, userId } = attempt;
    const lockUntil = new Date(Date.now() + this.config.MFA_LOCK_MINUTES * 60_000);
    const locked = await this.challenges.atomically(async () => {
      const until = await this.challenges.recordFailure(
        tenantId,
        userId,
        this.config.MFA_MAX_ATTEMPTS,
        lockUntil,
      );
      securityEvents.publish({
        type: 'mfa.failed',
        tenantId,
        userId,
        ip: attempt.ip,
        details: { method: attempt.method, purpose: attempt.purpose },
      });
      if (until && until > new Date())
        securityEvents.publish({
          type: 'mfa.locked',
          tenantId,
          userId,
          ip: attempt.ip,
          details: { locked_until: until.toISOString() },
        });
      return until;
    });
    if (locked && locked > new Date()) throw new MfaLocked(secondsUntil(locked));
    throw new MfaCodeInvalid();
  }

  /** A right proof: the count of wrong ones starts over. */
  async clearFailures(tenantId: string, userId: string): Promise<void> {
    await this.challenges.clearFailures(tenantId, userId);
  }

  /** Sends a fresh code by SMS or email and records how its delivery went. */
  async sendCode(input: {
    tenantId: string;
    userId: string;
    channel: CodeChannel;
    purpose: CodePurpose;
    destination: string;
    challengeId?: string;
  }): Promise<{ deliveryStatus: 'sent' | 'failed'; expiresAt: Date }> {
    const keys = this.requireKeys();
    const sender = input.channel === 'sms' ? this.sms : this.email;
    if (!sender)
      throw new MfaNotConfigured(
        input.channel === 'sms' ? 'SMS delivery (MFA_SMS_URL)' : 'Email delivery (MFA_SMTP_URL)',
      );
    const since = new Date(Date.now() - SEND_WINDOW_MS);
    const recent = await this.challenges.codesSentSince(
      input.tenantId,
      input.userId,
      input.channel,
      since,
    );
    if (recent >= SENDS_PER_WINDOW) throw new MfaCodesTooFrequent(SEND_WINDOW_MS / 1000);

    const ttlMinutes =
      input.channel === 'sms'
        ? this.config.MFA_SMS_CODE_MINUTES
        : this.config.MFA_EMAIL_CODE_MINUTES;
    const code = newNumericCode(6);
    const id = uuidv7();
    const expiresAt = new Date(Date.now() + ttlMinutes * 60_000);
    await this.challenges.insertCode({
      id,
      tenant_id: input.tenantId,
      user_id: input.userId,
      channel: input.channel,
      purpose: input.purpose,
      challenge_id: input.challengeId ?? null,
      code_hash: keys.hashCode(codePurpose(input.channel, input.purpose), code),
      destination: input.destination,
      expires_at: expiresAt,
    });
    const result = await sender.send({
      to: input.destination,
      code,
      purpose: input.purpose,
      ttlMinutes,
    });
    await this.challenges.atomically(async () => {
      await this.challenges.recordDelivery(
        input.tenantId,
        id,
        result.status,
        result.error ?? null,
        result.providerMessageId ?? null,
      );
      securityEvents.publish({
        type: 'mfa.code_sent',
        tenantId: input.tenantId,
        userId: input.userId,
        details: { channel: input.channel, purpose: input.purpose, delivery_status: result.status },
      });
    });
    return { deliveryStatus: result.status, expiresAt };
  }

  private async matches(attempt: FactorAttempt): Promise<boolean> {
    const { tenantId, userId, method, code } = attempt;
    if (method === 'backup_code') {
      const normalized = normalizeBackupCode(code);
      if (!normalized) return false;
      const hash = this.requireKeys().hashCode('backup', normalized);
      return this.methods.useBackupCode(tenantId, userId, hash);
    }
    if (method === 'totp') {
      const totp = (await this.methods.methodsOf(tenantId, userId)).find(
        (m) => m.kind === 'totp' && (m.status === 'active' || attempt.purpose === 'enroll'),
      );
      if (!totp?.secret_sealed) throw new MfaMethodUnavailable('totp');
      const secret = this.requireKeys().decrypt(totp.secret_sealed);
      const lastUsed = totp.last_used_step === null ? null : Number(totp.last_used_step);
      const result = verifyTotp(secret, code, { nowMs: Date.now(), lastUsedStep: lastUsed });
      if (!result.ok) return false;
      if (attempt.purpose === 'enroll')
        return this.methods.activate(tenantId, userId, 'totp', result.step);
      return this.methods.useStep(tenantId, userId, result.step);
    }
    if (!isNumericCode(code.trim(), 6)) return false;
    const hash = this.requireKeys().hashCode(codePurpose(method, attempt.purpose), code.trim());
    const used = await this.challenges.useCode(
      tenantId,
      userId,
      method,
      attempt.purpose,
      hash,
      attempt.challengeId ?? null,
    );
    if (used && attempt.purpose !== 'enroll') await this.methods.markUsed(tenantId, userId, method);
    return used;
  }
}

const codePurpose = (channel: CodeChannel, purpose: CodePurpose) => `${channel}:${purpose}`;

const secondsUntil = (at: Date) => Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));
