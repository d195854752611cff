import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { Principals } from './support/principals';
import { WsTestClient } from './support/ws-client';

/**
 * Production mode with two API processes sharing PostgreSQL and Redis: a credential change
 * made through process A holds on process B by the very next request, although B keeps
 * sessions, users, keys and permissions in caches that would outlive the test.
 */
describe('credential changes end sessions across API processes (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let processA: AppProcess;
  let processB: AppProcess;
  let adminA: ApiClient;
  let onA: Principals;
  let anonymousB: ApiClient;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      PROCESS_JOBS: 'false',
      AUTH_CACHE_TTL_MS: '600000',
      PERMISSION_CACHE_TTL_MS: '3600000',
    };
    processA = await startApp({ env });
    processB = await startApp({ env: { ...env, DB_MIGRATE_ON_START: 'false' } });
    const anonymousA = new ApiClient(processA.baseUrl);
    adminA = anonymousA.withApiKey(TEST_ADMIN_API_KEY);
    onA = new Principals(anonymousA, adminA);
    anonymousB = new ApiClient(processB.baseUrl);
  });

  afterAll(async () => {
    await Promise.all([processA?.stop(), processB?.stop()]);
    await db?.drop();
  });

  /** A user with a session and a key, both warmed into process B's caches. */
  async function userSeenByB(email: string) {
    const user = await onA.createUser(email, 'operator');
    const token = await onA.login(email);
    const key = await onA.createKey(new ApiClient(processA.baseUrl).withBearer(token));
    const session = anonymousB.withBearer(token);
    const keyClient = anonymousB.withApiKey(key.key);
    expect([await status(session), await status(keyClient)]).toEqual([200, 200]);
    expect((await session.get('/api/v1/goals')).status).toBe(200);
    return { ...user, session, key, keyClient };
  }

  const status = async (client: ApiClient) => (await client.get('/api/v1/auth/me')).status;

  it('a password change on A ends the session on B at once', async () => {
    const user = await userSeenByB('pw-b@example.com');
    const changed = await adminA.patch(`/api/v1/users/${user.id}`, {
      password: 'changed through process A',
    });
    expect(changed.status).toBe(200);
    expect(await status(user.session)).toBe(401);
    expect(await status(user.keyClient)).toBe(200);
  });

  it('a disable on A ends the session and stops the key on B at once', async () => {
    const user = await userSeenByB('disable-b@example.com');
    expect((await adminA.patch(`/api/v1/users/${user.id}`, { status: 'disabled' })).status).toBe(
      200,
    );
    expect([await status(user.session), await status(user.keyClient)]).toEqual([401, 401]);
  });

  it('a role removal on A ends the session on B at once, and B stops granting the role', async () => {
    const user = await userSeenByB('role-b@example.com');
    expect((await user.keyClient.get('/api/v1/goals')).status).toBe(200);
    expect((await adminA.delete(`/api/v1/role-assignments/${user.assignmentId}`)).status).toBe(204);
    expect(await status(user.session)).toBe(401);
    const viaKey = await user.keyClient.get('/api/v1/goals');
    expect([viaKey.status, viaKey.body.type]).toEqual([403, expect.stringMatching(/forbidden-/)]);
  });

  it('a delete on A stops the session and the key on B at once', async () => {
    const user = await userSeenByB('delete-b@example.com');
    expect((await adminA.delete(`/api/v1/users/${user.id}`)).status).toBe(204);
    expect([await status(user.session), await status(user.keyClient)]).toEqual([401, 401]);
  });

  it('a key revoked or rotated on A stops working on B at once', async () => {
    const user = await userSeenByB('key-b@example.com');
    expect((await adminA.post(`/api/v1/api-keys/${user.key.id}/rotate`)).status).toBe(200);
    expect(await status(user.keyClient)).toBe(401);
    const other = await userSeenByB('key-b2@example.com');
    expect((await adminA.post(`/api/v1/api-keys/${other.key.id}/revoke`)).status).toBe(200);
    expect(await status(other.keyClient)).toBe(401);
  });

  it('a disable on A closes the WebSocket the user holds open on B', async () => {
    const user = await onA.createUser('ws-b@example.com', 'operator');
    const socket = await WsTestClient.connect(processB.baseUrl, {
      authorization: `Bearer ${await onA.login('ws-b@example.com')}`,
    });
    try {
      expect((await adminA.patch(`/api/v1/users/${user.id}`, { status: 'disabled' })).status).toBe(
        200,
      );
      const closed = await waitFor(() => socket.closed, { what: 'the socket on B to close' });
      expect(closed.code).toBe(4401);
    } finally {
      await socket.close();
    }
  });
});
