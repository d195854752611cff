import { Inject, Injectable } from '@nestjs/common';
import { uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { securityEvents } from '../observability/security-events';
import { newBackupCodes } from './kit/backup-codes';
import { qrCodeSvg } from './kit/qr-code';
import { newTotpSecret, totpProvisioningUri } from './kit/totp';
import { MfaAlreadyEnrolled, MfaMethodUnavailable } from './mfa-errors';
import { type MfaKind, MfaMethodRepository, type MfaMethodRow } from './mfa-method.repository';
import { type CodeChannel, MfaVerifier } from './mfa-verifier.service';
import { TrustedDeviceRepository } from './trusted-device.repository';

export interface MfaMethodView {
  kind: MfaKind;
  status: 'pending' | 'active';
  destination: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface MfaStatus {
  enabled: boolean;
  methods: MfaMethodView[];
  backupCodesLeft: number;
}

/** What confirming a method hands back: new backup codes when the user had none. */
export interface Confirmation {
  backupCodes?: string[];
}

export interface MfaUser {
  tenantId: string;
  userId: string;
  email: string;
}

/**
 * A user's second factors: enrolling an authenticator app (TOTP) or a phone or email
 * address, confirming it with a first code, backup codes, disabling a method, and an
 * administrator's reset. TOTP secrets are sealed at rest; codes are stored as hashes.
 */
@Injectable()
export class MfaEnrollment {
  constructor(
    private readonly methods: MfaMethodRepository,
    private readonly devices: TrustedDeviceRepository,
    private readonly verifier: MfaVerifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async status(tenantId: string, userId: string): Promise<MfaStatus> {
    const rows = await this.methods.methodsOf(tenantId, userId);
    const methods = rows.map(toView);
    return {
      enabled: methods.some((m) => m.status === 'active'),
      methods,
      backupCodesLeft: await this.methods.backupCodesLeft(tenantId, userId),
    };
  }

  /** The user's confirmed methods: what a sign-in may be verified with. */
  async activeKinds(tenantId: string, userId: string): Promise<MfaKind[]> {
    return (await this.methods.methodsOf(tenantId, userId))
      .filter((m) => m.status === 'active')
      .map((m) => m.kind as MfaKind);
  }

  async activeMethod(tenantId: string, userId: string, kind: MfaKind): Promise<MfaMethodRow> {
    const method = (await this.methods.methodsOf(tenantId, userId)).find(
      (m) => m.kind === kind && m.status === 'active',
    );
    if (!method) throw new MfaMethodUnavailable(kind);
    return method;
  }

  async enrollTotp(user: MfaUser): Promise<{ secret: string; uri: string; qrSvg: string }> {
    const keys = this.verifier.requireKeys();
    const secret = newTotpSecret();
    await this.methods.atomically(async () => {
      const stored = await this.methods.upsertPending(
        uuidv7(),
        user.tenantId,
        user.userId,
        'totp',
        keys.encrypt(secret),
        null,
      );
      if (!stored) throw new MfaAlreadyEnrolled('totp');
      securityEvents.publish({
        type: 'mfa.method_enrolled',
        tenantId: user.tenantId,
        userId: user.userId,
        details: { kind: 'totp' },
      });
    });
    const uri = totpProvisioningUri({
      secret,
      accountName: user.email,
      issuer: this.config.MFA_ISSUER,
    });
    return { secret, uri, qrSvg: await qrCodeSvg(uri) };
  }

  async confirmTotp(tenantId: string, userId: string, code: string): Promise<Confirmation> {
    await this.verifier.verify({ tenantId, userId, method: 'totp', code, purpose: 'enroll' });
    return this.methods.atomically(() => this.confirmed(tenantId, userId, 'totp'));
  }

  /** Enrolls a phone (SMS) or email address and sends it a first code. */
  async enrollByCode(
    user: MfaUser,
    channel: CodeChannel,
    destination: string,
  ): Promise<{ deliveryStatus: 'sent' | 'failed'; expiresAt: Date }> {
    this.verifier.requireKeys();
    await this.methods.atomically(async () => {
      const stored = await this.methods.upsertPending(
        uuidv7(),
        user.tenantId,
        user.userId,
        channel,
        null,
        destination,
      );
      if (!stored) throw new MfaAlreadyEnrolled(channel);
      securityEvents.publish({
        type: 'mfa.method_enrolled',
        tenantId: user.tenantId,
        userId: user.userId,
        details: { kind: channel },
      });
    });
    return this.verifier.sendCode({
      tenantId: user.tenantId,
      userId: user.userId,
      channel,
      purpose: 'enroll',
      destination,
    });
  }

  async confirmByCode(
    tenantId: string,
    userId: string,
    channel: CodeChannel,
    code: string,
  ): Promise<Confirmation> {
    await this.verifier.verify({ tenantId, userId, method: channel, code, purpose: 'enroll' });
    return this.methods.atomically(async () => {
      if (!(await this.methods.activate(tenantId, userId, channel, null)))
        throw new MfaMethodUnavailable(channel);
      return this.confirmed(tenantId, userId, channel);
    });
  }

  async regenerateBackupCodes(tenantId: string, userId: string): Promise<string[]> {
    const keys = this.verifier.requireKeys();
    if (!(await this.activeKinds(tenantId, userId)).length)
      throw new MfaMethodUnavailable('any second factor');
    const codes = newBackupCodes();
    await this.methods.atomically(async () => {
      await this.methods.replaceBackupCodes(
        codes.map((code) => ({
          id: uuidv7(),
          tenant_id: tenantId,
          user_id: userId,
          code_hash: keys.hashCode('backup', code),
        })),
      );
      securityEvents.publish({ type: 'mfa.backup_codes_regenerated', tenantId, userId });
    });
    return codes;
  }

  /** Disables one method; without any left, backup codes and trusted devices go too. */
  async disable(tenantId: string, userId: string, kind: MfaKind, actorId: string): Promise<void> {
    await this.methods.atomically(async () => {
      if (!(await this.methods.remove(tenantId, userId, kind)))
        throw new MfaMethodUnavailable(kind);
      if (!(await this.methods.methodsOf(tenantId, userId)).some((m) => m.status === 'active')) {
        await this.methods.removeAll(tenantId, userId);
        await this.devices.revokeAll(tenantId, userId);
      }
      securityEvents.publish({
        type: 'mfa.method_disabled',
        tenantId,
        userId,
        actorId,
        details: { kind },
      });
    });
  }

  /** An administrator's reset: every method, backup code and trusted device of the user. */
  async reset(tenantId: string, userId: string, actorId: string): Promise<void> {
    await this.methods.atomically(async () => {
      await this.methods.removeAll(tenantId, userId);
      await this.devices.revokeAll(tenantId, userId);
      securityEvents.publish({ type: 'mfa.reset', tenantId, userId, actorId });
    });
  }

  private async confirmed(tenantId: string, userId: string, kind: MfaKind): Promise<Confirmation> {
    securityEvents.publish({
      type: 'mfa.method_confirmed',
      tenantId,
      userId,
      details: { kind },
    });
    if ((await this.methods.backupCodesLeft(tenantId, userId)) > 0) return {};
    return { backupCodes: await this.regenerateBackupCodes(tenantId, userId) };
  }
}

function toView(row: MfaMethodRow): MfaMethodView {
  return {
    kind: row.kind as MfaKind,
    status: row.status as 'pending' | 'active',
    destination: row.destination ? maskDestination(row.destination) : null,
    createdAt: new Date(row.created_at),
    confirmedAt: row.confirmed_at ? new Date(row.confirmed_at) : null,
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  };
}

/** `+1555…0199` and `a…@example.com`: enough to recognise, not to harvest. */
export function maskDestination(destination: string): string {
  const at = destination.indexOf('@');
  if (at > 0) return `${destination[0]}…${destination.slice(at)}`;
  return destination.length > 6
    ? `${destination.slice(0, 4)}…${destination.slice(-4)}`
    : `…${destination.slice(-2)}`;
}
