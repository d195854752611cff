import {
  API_KEY_PATTERN,
  fromPlaintext,
  generateApiKey,
  hashSecret,
  parseApiKey,
  secretMatches,
} from './api-key-format';

describe('API key format', () => {
  it('generates keys in the exact format ak_{12 hex}_{43 base64url}', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      expect(key.plaintext).toMatch(API_KEY_PATTERN);
      expect(key.plaintext).toBe(`ak_${key.keyId}_${key.secret}`);
      expect(key.secretHash).toBe(hashSecret(key.secret));
      expect(key.secretHash).not.toContain(key.secret);
    }
  });

  it('parses only well-formed keys', () => {
    const ok = `ak_0123456789ab_${'A'.repeat(42)}-`;
    expect(parseApiKey(ok)).toEqual({ keyId: '0123456789ab', secret: `${'A'.repeat(42)}-` });
    for (const bad of [
      '',
      'ak_0123456789AB_' + 'A'.repeat(43), // upper-case hex
      'ak_0123456789a_' + 'A'.repeat(43), // 11 hex
      'ak_0123456789ab_' + 'A'.repeat(42), // short secret
      'ak_0123456789ab_' + 'A'.repeat(44), // long secret
      'ak_0123456789ab_' + 'A'.repeat(42) + '=', // padding
      'ak_0123456789ab_' + 'A'.repeat(42) + '+',
      ' ak_0123456789ab_' + 'A'.repeat(43),
      'ak_0123456789ab_' + 'A'.repeat(43) + '\n',
      'sk_0123456789ab_' + 'A'.repeat(43),
    ]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it('checks secrets against the stored hash, and fails without a stored hash', () => {
    const key = generateApiKey();
    expect(secretMatches(key.secret, key.secretHash)).toBe(true);
    expect(secretMatches(generateApiKey().secret, key.secretHash)).toBe(false);
    expect(secretMatches(key.secret, undefined)).toBe(false);
    expect(fromPlaintext(key.plaintext)?.secretHash).toBe(key.secretHash);
    expect(fromPlaintext('ak_bad')).toBeNull();
  });
});
