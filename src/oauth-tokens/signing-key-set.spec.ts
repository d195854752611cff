import { generateSigningJwk, orderForSigning, publicPart } from './signing-key-set';

describe('signing keys', () => {
  it('publishes no private member', () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const jwk = generateSigningJwk(alg);
      expect(jwk).toMatchObject({ alg, use: 'sig', kid: expect.any(String) });
      expect(jwk.d).toBeDefined();
      const published = publicPart(jwk);
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(published).not.toHaveProperty(member);
    }
  });

  it('puts the keys still signing before the retired ones, cookie keys aside', () => {
    const key = (kid: string, retired: boolean, purpose = 'signing') => ({
      kid,
      purpose,
      alg: 'RS256',
      retired,
      secret: JSON.stringify({ kid }),
    });
    const ordered = orderForSigning([
      key('old', true),
      key('cookie', false, 'cookie'),
      key('new', false),
    ]);
    expect(ordered.map((k) => k.kid)).toEqual(['new', 'old']);
  });
});
