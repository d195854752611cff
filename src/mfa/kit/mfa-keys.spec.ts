import { randomBytes } from 'node:crypto';
import { MfaKeys, deriveMfaSubKey, parseMfaMasterKey } from './mfa-keys';

describe('MFA keys', () => {
  const master = Buffer.from(
    '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    'hex',
  );
  const keys = new MfaKeys(master);

  describe('master key parsing', () => {
    it('reads hex, base64 and base64url of 32 bytes', () => {
      const key = randomBytes(32);
      expect(parseMfaMasterKey(key.toString('hex'))).toEqual(key);
      expect(parseMfaMasterKey(key.toString('hex').toUpperCase())).toEqual(key);
      expect(parseMfaMasterKey(key.toString('base64'))).toEqual(key);
      expect(parseMfaMasterKey(key.toString('base64url'))).toEqual(key);
      expect(parseMfaMasterKey(` ${key.toString('base64')}\n`)).toEqual(key);
    });

    it.each([
      ['empty', ''],
      ['31 bytes hex', randomBytes(31).toString('hex')],
      ['33 bytes hex', randomBytes(33).toString('hex')],
      ['31 bytes base64', randomBytes(31).toString('base64')],
      ['33 bytes base64', randomBytes(33).toString('base64')],
      ['a passphrase', 'correct horse battery staple'],
    ])('refuses %s with a message that does not repeat the key', (_, raw) => {
      let message = '';
      try {
        parseMfaMasterKey(raw);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/must be 32 bytes/);
      if (raw) expect(message).not.toContain(raw);
    });
  });

  it('derives a different key for each use, none equal to the master key', () => {
    const derived = (['encryption', 'codeHash', 'signing'] as const).map((use) =>
      deriveMfaSubKey(master, use).toString('hex'),
    );
    expect(new Set([...derived, master.toString('hex')]).size).toBe(4);
    expect(derived.every((hex) => hex.length === 64)).toBe(true);
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => new MfaKeys(randomBytes(16))).toThrow('must be 32 bytes');
  });

  describe('encryption', () => {
    it('round-trips text, with a fresh IV every time', () => {
      for (const plain of ['', 'JBSWY3DPEHPK3PXP', 'naïve ☃ 🔐'.repeat(50)]) {
        expect(keys.decrypt(keys.encrypt(plain))).toBe(plain);
      }
      const a = keys.encrypt('JBSWY3DPEHPK3PXP');
      const b = keys.encrypt('JBSWY3DPEHPK3PXP');
      expect(a).not.toBe(b);
      expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
      expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    });

    it('refuses any altered part', () => {
      const parts = keys.encrypt('JBSWY3DPEHPK3PXP').split('.');
      for (let i = 1; i < parts.length; i++) {
        const bytes = Buffer.from(parts[i], 'base64url');
        bytes[0] ^= 1;
        const altered = [...parts];
        altered[i] = bytes.toString('base64url');
        expect(() => keys.decrypt(altered.join('.'))).toThrow();
      }
      expect(() => keys.decrypt(['v2', ...parts.slice(1)].join('.'))).toThrow('malformed');
    });

    it.each(['', 'v1', 'v1...', 'v1.a.b.c', 'not sealed at all'])('refuses malformed %j', (s) => {
      expect(() => keys.decrypt(s)).toThrow('malformed');
    });

    it('cannot be opened with another master key', () => {
      const sealed = keys.encrypt('JBSWY3DPEHPK3PXP');
      expect(() => new MfaKeys(randomBytes(32)).decrypt(sealed)).toThrow('could not be decrypted');
    });
  });

  describe('code hashes', () => {
    it('are stable per key, and differ by purpose, code and key', () => {
      const hash = keys.hashCode('backup', 'ABCD-EFGH');
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(keys.hashCode('backup', 'ABCD-EFGH')).toBe(hash);
      expect(new MfaKeys(master).hashCode('backup', 'ABCD-EFGH')).toBe(hash);
      expect(keys.hashCode('sms', 'ABCD-EFGH')).not.toBe(hash);
      expect(keys.hashCode('backup', 'ABCD-EFGJ')).not.toBe(hash);
      expect(new MfaKeys(randomBytes(32)).hashCode('backup', 'ABCD-EFGH')).not.toBe(hash);
    });

    it('do not equal a signature of the same text', () => {
      const hash = keys.hashCode('backup', 'ABCD-EFGH');
      const signature = keys.sign('backup:ABCD-EFGH').split('.').pop() ?? '';
      expect(Buffer.from(signature, 'base64url').toString('hex')).not.toBe(hash);
    });
  });

  describe('signatures', () => {
    it('give back the signed value, dots included', () => {
      for (const value of ['challenge-123', 'a.b.c', '']) {
        expect(keys.verifySigned(keys.sign(value))).toBe(value);
      }
    });

    it('refuse altered values, altered or missing signatures and other keys', () => {
      const signed = keys.sign('user-1:challenge-123');
      const [value, signature] = [
        signed.slice(0, signed.lastIndexOf('.')),
        signed.split('.').pop(),
      ];
      const flipped = Buffer.from(signature ?? '', 'base64url');
      flipped[5] ^= 1;
      for (const candidate of [
        `user-2:challenge-123.${signature}`,
        `${value}.${flipped.toString('base64url')}`,
        `${value}.${signature}A`,
        `${value}.`,
        value,
        '',
        '.',
      ]) {
        expect(keys.verifySigned(candidate)).toBeUndefined();
      }
      expect(new MfaKeys(randomBytes(32)).verifySigned(signed)).toBeUndefined();
    });
  });
});
