import { Inject, Injectable } from '@nestjs/common';
import { NotFound, randomToken, sha256Hex, uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { securityEvents } from '../observability/security-events';
import { deviceInfo } from '../sessions/device-info';
import { MfaVerifier } from './mfa-verifier.service';
import { type TrustedDeviceListing, TrustedDeviceRepository } from './trusted-device.repository';

export const DEVICE_COOKIE = 'av_device';
const DEVICE_ID = /^[0-9a-f-]{36}$/;
const DEVICE_SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * Browsers a user trusted at sign-in skip the second factor until they expire or are
 * revoked. The cookie holds the device id and a secret, signed with the MFA key; only the
 * secret's hash is stored, and the device belongs to one user.
 */
@Injectable()
export class TrustedDevices {
  constructor(
    private readonly devices: TrustedDeviceRepository,
    private readonly verifier: MfaVerifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async add(
    user: { tenantId: string; userId: string },
    meta: { name?: string; userAgent?: string; ip?: string },
  ): Promise<{ cookie: string; expiresAt: Date; id: string }> {
    const keys = this.verifier.requireKeys();
    const id = uuidv7();
    const secret = randomToken(32);
    const device = deviceInfo(meta.userAgent);
    const expiresAt = new Date(Date.now() + this.config.MFA_TRUSTED_DEVICE_DAYS * 86_400_000);
    const name =
      meta.name?.trim() ||
      [device.browser, device.os].filter(Boolean).join(' on ') ||
      'Unnamed device';
    await this.devices.atomically(async () => {
      await this.devices.insert({
        id,
        tenant_id: user.tenantId,
        user_id: user.userId,
        name: name.slice(0, 100),
        token_hash: sha256Hex(secret),
        device: JSON.stringify(device),
        ip: meta.ip ?? null,
        expires_at: expiresAt,
      });
      securityEvents.publish({
        type: 'trusted_device.added',
        ...user,
        ip: meta.ip,
        details: { device_id: id },
      });
    });
    return { cookie: keys.sign(`${id}.${secret}`), expiresAt, id };
  }

  /** Whether the presented cookie is a live trusted device of this user. */
  async isTrusted(user: { tenantId: string; userId: string }, cookie?: string): Promise<boolean> {
    if (!cookie) return false;
    const keys = this.verifier.requireKeys();
    const value = keys.verifySigned(cookie);
    const [id, secret, extra] = value?.split('.') ?? [];
    if (!id || !secret || extra !== undefined || !DEVICE_ID.test(id) || !DEVICE_SECRET.test(secret))
      return false;
    return this.devices.use(user.tenantId, user.userId, id, sha256Hex(secret));
  }

  list(tenantId: string, userId: string): Promise<TrustedDeviceListing[]> {
    return this.devices.listOf(tenantId, userId);
  }

  async revoke(tenantId: string, userId: string, id: string): Promise<void> {
    await this.devices.atomically(async () => {
      if (!DEVICE_ID.test(id) || !(await this.devices.revoke(tenantId, userId, id)))
        throw new NotFound('trusted-device', id);
      securityEvents.publish({
        type: 'trusted_device.revoked',
        tenantId,
        userId,
        details: { device_id: id },
      });
    });
  }
}
