import { base32Decode, base32Encode } from './base32';
import {
  newTotpSecret,
  totpCode,
  totpProvisioningUri,
  totpStep,
  verifyTotp,
  type TotpAlgorithm,
} from './totp';

const seed = (ascii: string): string => base32Encode(Buffer.from(ascii, 'ascii'));

/** RFC 6238 appendix B: the seeds are the ASCII digits repeated to the hash's block of key. */
const SEEDS: Record<TotpAlgorithm, string> = {
  sha1: seed('12345678901234567890'),
  sha256: seed('12345678901234567890123456789012'),
  sha512: seed('1234567890123456789012345678901234567890123456789012345678901234'),
};

const VECTORS: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP', () => {
  it.each(VECTORS)('matches the RFC 6238 codes at t=%i', (t, sha1, sha256, sha512) => {
    const at = t * 1000;
    expect(totpCode(SEEDS.sha1, at, { digits: 8, algorithm: 'sha1' })).toBe(sha1);
    expect(totpCode(SEEDS.sha256, at, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(totpCode(SEEDS.sha512, at, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });

  it('gives 6-digit SHA-1 codes by default', () => {
    expect(totpCode(SEEDS.sha1, 59_000)).toBe('287082');
  });

  it('creates a fresh 20-byte base32 secret each time', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(a);
  });

  it('counts 30-second steps', () => {
    expect(totpStep(0)).toBe(0);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpStep(59_000)).toBe(1);
  });

  describe('verification', () => {
    const secret = newTotpSecret();
    const nowMs = 1_700_000_000_000;
    const step = totpStep(nowMs);
    const codeAt = (s: number): string => totpCode(secret, s * 30_000);

    it('accepts the current code and one step of clock drift either way', () => {
      for (const s of [step - 1, step, step + 1]) {
        expect(verifyTotp(secret, codeAt(s), { nowMs, lastUsedStep: null })).toEqual({
          ok: true,
          step: s,
        });
      }
    });

    it('refuses codes two steps away', () => {
      for (const s of [step - 2, step + 2]) {
        expect(verifyTotp(secret, codeAt(s), { nowMs, lastUsedStep: null })).toEqual({
          ok: false,
          reason: 'invalid',
        });
      }
    });

    it('refuses a code whose step was already used, and accepts a later one', () => {
      expect(verifyTotp(secret, codeAt(step), { nowMs, lastUsedStep: step })).toEqual({
        ok: false,
        reason: 'replayed',
      });
      expect(verifyTotp(secret, codeAt(step - 1), { nowMs, lastUsedStep: step })).toEqual({
        ok: false,
        reason: 'replayed',
      });
      expect(verifyTotp(secret, codeAt(step + 1), { nowMs, lastUsedStep: step })).toEqual({
        ok: true,
        step: step + 1,
      });
    });

    it('ignores spaces around and inside the code', () => {
      const code = codeAt(step);
      const spaced = ` ${code.slice(0, 3)} ${code.slice(3)} `;
      expect(verifyTotp(secret, spaced, { nowMs, lastUsedStep: null })).toEqual({ ok: true, step });
    });

    it.each(['', '12345', '1234567', '12a456', '12-456'])('refuses malformed code %j', (code) => {
      expect(verifyTotp(secret, code, { nowMs, lastUsedStep: null })).toEqual({
        ok: false,
        reason: 'invalid',
      });
    });
  });

  it('builds a provisioning URI authenticator apps can read', () => {
    const uri = totpProvisioningUri({
      secret: 'JBSWY3DPEHPK3PXP',
      accountName: 'ada lovelace@example.com',
      issuer: 'Agent Village',
    });
    expect(uri).toBe(
      'otpauth://totp/Agent%20Village:ada%20lovelace%40example.com' +
        '?secret=JBSWY3DPEHPK3PXP&issuer=Agent%20Village&algorithm=SHA1&digits=6&period=30',
    );
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.searchParams.get('issuer')).toBe('Agent Village');
  });
});
