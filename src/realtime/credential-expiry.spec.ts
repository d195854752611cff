import type { WebSocket } from 'ws';
import type { RecheckableConnection } from './credential-recheck';
import { CredentialExpiry } from './credential-expiry';
import type { WsIdentity } from './ws-authenticator';

const connection = (): RecheckableConnection => ({
  socket: {} as WebSocket,
  request: {} as RecheckableConnection['request'],
  identity: Promise.resolve(null),
});
const identity = (expiresAt?: Date) => ({ tenantId: 't1', expiresAt }) as WsIdentity;

describe('CredentialExpiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('runs the authentication again just after the credential expires, not before', async () => {
    const rechecked: RecheckableConnection[] = [];
    const expiry = new CredentialExpiry(async (c) => (rechecked.push(c), null));
    const conn = connection();
    expiry.watch(conn, identity(new Date(Date.now() + 5000)));
    jest.advanceTimersByTime(5000);
    expect(rechecked).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(rechecked).toEqual([conn]);
  });

  it('watches the new expiry when the credential was extended meanwhile', async () => {
    const later = identity(new Date(Date.now() + 60_000));
    let calls = 0;
    const expiry = new CredentialExpiry(async () => (++calls === 1 ? later : null));
    expiry.watch(connection(), identity(new Date(Date.now() + 1000)));
    await jest.advanceTimersByTimeAsync(1001);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(59_000);
    expect(calls).toBe(2);
  });

  it('watches nothing for a credential without expiry, or a connection it was told to forget', async () => {
    let calls = 0;
    const expiry = new CredentialExpiry(async () => (++calls, null));
    expiry.watch(connection(), identity(undefined));
    const forgotten = connection();
    expiry.watch(forgotten, identity(new Date(Date.now() + 1000)));
    expiry.forget(forgotten);
    const closedWith = connection();
    expiry.watch(closedWith, identity(new Date(Date.now() + 1000)));
    expiry.close();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(0);
  });
});
