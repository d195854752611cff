import { decodeAccessSignal } from './access-signal-codec';

describe('access invalidation messages', () => {
  it('reads the four kinds of signal with their origin', () => {
    const read = (signal: unknown) =>
      decodeAccessSignal(JSON.stringify({ v: 1, origin: 'process-a', signal }));
    expect(read({ kind: 'user', tenantId: 't1', userId: 'u1' })).toEqual({
      origin: 'process-a',
      signal: { kind: 'user', tenantId: 't1', userId: 'u1' },
    });
    expect(read({ kind: 'tenant', tenantId: 't1' })?.signal).toEqual({
      kind: 'tenant',
      tenantId: 't1',
    });
    expect(read({ kind: 'key', keyId: '0123456789ab' })?.signal).toEqual({
      kind: 'key',
      keyId: '0123456789ab',
    });
    expect(read({ kind: 'oauth-client', clientId: 'avc_0123456789abcdefghijkl' })?.signal).toEqual({
      kind: 'oauth-client',
      clientId: 'avc_0123456789abcdefghijkl',
    });
  });

  it('reads the OAuth signals', () => {
    const read = (signal: unknown) =>
      decodeAccessSignal(JSON.stringify({ v: 1, origin: 'process-a', signal }))?.signal;
    for (const signal of [
      { kind: 'oauth-client', clientId: 'avc_x' },
      { kind: 'oauth-grant', grantId: 'g1' },
      { kind: 'oauth-token', tokenId: 't1' },
      { kind: 'oauth-keys' },
    ])
      expect(read(signal)).toEqual(signal);
    expect(read({ kind: 'oauth-grant', grantId: '' })).toBeUndefined();
  });

  it('ignores anything else', () => {
    for (const raw of [
      'not json',
      'null',
      JSON.stringify({ v: 2, origin: 'a', signal: { kind: 'tenant', tenantId: 't' } }),
      JSON.stringify({ v: 1, signal: { kind: 'tenant', tenantId: 't' } }),
      JSON.stringify({ v: 1, origin: 'a', signal: { kind: 'user', tenantId: 't' } }),
      JSON.stringify({ v: 1, origin: 'a', signal: { kind: 'key', keyId: '' } }),
      JSON.stringify({ v: 1, origin: 'a', signal: { kind: 'oauth-client', clientId: 7 } }),
      JSON.stringify({ v: 1, origin: 'a', signal: { kind: 'oauth-client', keyId: 'k' } }),
      JSON.stringify({ v: 1, origin: 'a', signal: { kind: 'everything' } }),
    ])
      expect([raw, decodeAccessSignal(raw)]).toEqual([raw, null]);
  });
});
