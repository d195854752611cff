import { IdentityModule } from '../identity/identity.module';
import { UsersService } from '../identity/users.service';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { totpCode } from './kit/totp';
import { MfaEnrollment } from './mfa-enrollment.service';
import { MfaCodeInvalid, MfaLocked } from './mfa-errors';
import { MfaVerifier } from './mfa-verifier.service';

const STEP_MS = 30_000;

export function mfaVerifierSuite(product: InProcessApp): void {
  describe('second-factor checks in process (in-memory PGlite)', () => {
    let enrollment: MfaEnrollment;
    let verifier: MfaVerifier;
    let users: UsersService;
    let tenantId: string;

    beforeAll(async () => {
      enrollment = product.app.get(MfaEnrollment);
      verifier = product.app.get(MfaVerifier);
      users = product.app.select(IdentityModule).get(UsersService);
      tenantId = (await product.app.get(TenantsService).create({ slug: 'mfa', name: 'Mfa' })).id;
    });

    async function enrolled(email: string) {
      const user = await users.create(tenantId, { email, displayName: email });
      const who = { tenantId, userId: user.id };
      const { secret } = await enrollment.enrollTotp({ ...who, email });
      const confirmedAt = Date.now();
      const { backupCodes } = await enrollment.confirmTotp(
        tenantId,
        user.id,
        totpCode(secret, confirmedAt),
      );
      return { who, secret, confirmedAt, backupCodes: backupCodes! };
    }

    it('refuses a TOTP step that was already used, and takes a later one once', async () => {
      const { who, secret, confirmedAt } = await enrolled('replay@example.com');
      const attempt = { ...who, method: 'totp' as const, purpose: 'login' as const };
      // The step the confirmation used, even when the clock has moved into the next one since.
      await expect(
        verifier.verify({ ...attempt, code: totpCode(secret, confirmedAt) }),
      ).rejects.toBeInstanceOf(MfaCodeInvalid);
      const next = totpCode(secret, confirmedAt + STEP_MS);
      await expect(verifier.verify({ ...attempt, code: next })).resolves.toBeUndefined();
      await expect(verifier.verify({ ...attempt, code: next })).rejects.toBeInstanceOf(
        MfaCodeInvalid,
      );
    });

    it('accepts each backup code once, in any case and with or without the dash', async () => {
      const { who, backupCodes } = await enrolled('backup-unit@example.com');
      expect(backupCodes).toHaveLength(10);
      expect(new Set(backupCodes).size).toBe(10);
      const attempt = { ...who, method: 'backup_code' as const, purpose: 'login' as const };
      const loose = backupCodes[3].replace('-', '').toLowerCase();
      await expect(verifier.verify({ ...attempt, code: loose })).resolves.toBeUndefined();
      await expect(verifier.verify({ ...attempt, code: backupCodes[3] })).rejects.toBeInstanceOf(
        MfaCodeInvalid,
      );
      await expect(verifier.verify({ ...attempt, code: backupCodes[4] })).resolves.toBeUndefined();
      expect((await enrollment.status(tenantId, who.userId)).backupCodesLeft).toBe(8);
      const fresh = await enrollment.regenerateBackupCodes(tenantId, who.userId);
      await expect(verifier.verify({ ...attempt, code: backupCodes[5] })).rejects.toBeInstanceOf(
        MfaCodeInvalid,
      );
      await expect(verifier.verify({ ...attempt, code: fresh[0] })).resolves.toBeUndefined();
    });

    it('locks after repeated wrong codes, and then refuses a right one too', async () => {
      const { who, secret } = await enrolled('lock-unit@example.com');
      const attempt = { ...who, method: 'totp' as const, purpose: 'login' as const };
      const wrong = totpCode(secret, Date.now() + 10 * STEP_MS);
      await expect(verifier.verify({ ...attempt, code: wrong })).rejects.toBeInstanceOf(
        MfaCodeInvalid,
      );
      await expect(verifier.verify({ ...attempt, code: wrong })).rejects.toBeInstanceOf(
        MfaCodeInvalid,
      );
      await expect(verifier.verify({ ...attempt, code: wrong })).rejects.toBeInstanceOf(MfaLocked);
      await expect(
        verifier.verify({ ...attempt, code: totpCode(secret, Date.now() + STEP_MS) }),
      ).rejects.toBeInstanceOf(MfaLocked);
    });
  });
}
