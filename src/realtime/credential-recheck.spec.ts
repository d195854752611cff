import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { accessInvalidation } from '../common/access-invalidation';
import type { Principal } from '../common/request-context';
import {
  onAccessChanged,
  recheckConnections,
  type RecheckableConnection,
} from './credential-recheck';
import { WsAuthenticationFailed, type WsAuthenticator, type WsIdentity } from './ws-authenticator';

function connection(tenantId: string, principal: Principal) {
  const closed: number[] = [];
  const identity = { tenantId, principal } as WsIdentity;
  const conn: RecheckableConnection = {
    socket: { close: (code: number) => closed.push(code) } as unknown as WebSocket,
    request: { identity } as unknown as IncomingMessage,
    identity: Promise.resolve(identity),
  };
  return { conn, closed };
}

describe('credential rechecks of open WebSocket connections', () => {
  const keyConn = connection('t1', { kind: 'api_key', id: 'u1', apiKeyId: 'k1' });
  const siblingConn = connection('t1', { kind: 'api_key', id: 'u1', apiKeyId: 'k2' });
  const oauthConn = connection('t2', { kind: 'oauth', id: 'u2', oauthClientId: 'c1' });
  const all = [keyConn, siblingConn, oauthConn];
  let refused: Set<Principal>;
  let checked: Principal[];
  const authenticator = {
    authenticate: async ({ identity }: IncomingMessage & { identity: WsIdentity }) => {
      checked.push(identity.principal);
      if (refused.has(identity.principal)) throw new WsAuthenticationFailed('revoked');
      return identity;
    },
  } as unknown as WsAuthenticator;
  const stop = onAccessChanged(
    (affected) =>
      void recheckConnections(
        affected,
        all.map((c) => c.conn),
        authenticator,
      ),
  );
  afterAll(stop);
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    refused = new Set();
    checked = [];
  });

  it("closes the connection of a revoked API key with 4401, not the other keys' ones", async () => {
    refused.add((await keyConn.conn.identity)!.principal);
    accessInvalidation.apply({ kind: 'key', keyId: '0123456789ab' });
    await settle();
    expect(checked.map((p) => p.apiKeyId)).toEqual(['k1', 'k2']);
    expect([keyConn.closed, siblingConn.closed, oauthConn.closed]).toEqual([[4401], [], []]);
  });

  it("rechecks a suspended tenant's connections, an OAuth client's and every OAuth one on a token revocation", async () => {
    accessInvalidation.apply({ kind: 'tenant', tenantId: 't1' });
    await settle();
    // the revoked key's connection is gone; its sibling goes on with its current rights
    expect(checked.map((p) => p.apiKeyId)).toEqual(['k2']);
    expect(siblingConn.closed).toEqual([]);
    checked = [];
    accessInvalidation.apply({ kind: 'oauth-client', clientId: 'c1' });
    accessInvalidation.apply({ kind: 'oauth-token', tokenId: 'any' });
    await settle();
    expect(checked.map((p) => p.oauthClientId)).toEqual(['c1', 'c1']);
  });
});
