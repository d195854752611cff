import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_API_KEY,
  TestDatabase,
  queryPostgres,
} from '#testing';

const DEFAULT_TENANT = '00000000-0000-0000-0000-000000000001';

/** Production mode (PostgreSQL): tenant isolation by the app, and by row-level security beneath it. */
describe('tenant isolation on PostgreSQL, with row-level security', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let admin: ApiClient;
  let otherTenant: string;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    app = await startApp({ env: { DATABASE_URL: db.url } });
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    otherTenant = (
      await admin.post('/api/v1/tenants', { slug: 'rls-other', name: 'Other', tier: 'ENTERPRISE' })
    ).body.id;
    expect((await admin.post('/api/v1/goals', { goal: 'Say hello' })).status).toBe(202);
    expect(
      (await admin.inTenant(otherTenant).post('/api/v1/goals', { goal: 'Say hi' })).status,
    ).toBe(202);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  async function asTenantRole<T>(work: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE agent_village_tenant');
      return await work(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  it('creates tenants, users and keys from the CLI, usable at once over the API', async () => {
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(__dirname, '../dist/src/cli.js'), ...args],
        {
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: db.url,
            LOG_LEVEL: 'warn',
            DB_MIGRATE_ON_START: 'false',
          },
        },
      );
      return JSON.parse(stdout);
    };
    const tenant = await cli('tenants:create', '--slug', 'cli-made', '--name', 'CLI Made');
    const user = await cli(
      'users:create',
      '--tenant',
      'cli-made',
      '--email',
      'ops@cli.test',
      '--name',
      'Ops',
      '--role',
      'operator',
    );
    expect(user).toMatchObject({ tenant_id: tenant.id, role: 'operator' });
    const key = await cli(
      'keys:create',
      '--tenant',
      tenant.id,
      '--email',
      'ops@cli.test',
      '--name',
      'ci',
      '--scopes',
      'read:goals,write:goals',
    );
    expect(key.key).toMatch(/^ak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const api = new ApiClient(app.baseUrl).withApiKey(key.key);
    expect((await api.get('/api/v1/auth/me')).body).toMatchObject({
      tenant_id: tenant.id,
      roles: ['operator'],
    });
    expect((await api.get('/api/v1/goals')).body.total).toBe(0);
    expect((await api.get('/api/v1/users')).status).toBe(403);
    await expect(cli('users:create', '--email', 'x@y.z')).rejects.toThrow(/--name is required/);
  });

  it('keeps each tenant to its own goals through the API', async () => {
    const mine = (await admin.get('/api/v1/goals')).body;
    const theirs = (await admin.inTenant(otherTenant).get('/api/v1/goals')).body;
    expect(mine.total).toBe(1);
    expect(theirs.total).toBe(1);
    expect((await admin.get(`/api/v1/goals/${theirs.items[0].id}`)).status).toBe(404);
  });

  it('puts every table with a tenant_id under row-level security', async () => {
    const unprotected = await queryPostgres<{ table_name: string }>(
      db.url,
      `SELECT c.table_name FROM information_schema.columns c
       JOIN pg_class t ON t.relname = c.table_name AND t.relkind = 'r'
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND NOT t.relrowsecurity
       ORDER BY 1`,
    );
    expect(unprotected).toEqual([]);
  });

  it('shows a raw query without the tenant set no rows at all', async () => {
    const counts = await asTenantRole(async (c) => {
      const out: Record<string, number> = {};
      for (const table of ['goals', 'users', 'api_keys', 'role_assignments', 'goal_events'])
        out[table] = (await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
      return out;
    });
    expect(counts).toEqual({
      goals: 0,
      users: 0,
      api_keys: 0,
      role_assignments: 0,
      goal_events: 0,
    });
    const owner = new Client({ connectionString: db.url });
    await owner.connect();
    const all = (await owner.query('SELECT count(*)::int AS n FROM goals')).rows[0].n;
    await owner.end();
    expect(all).toBe(2);
  });

  it("shows only the set tenant's rows, and refuses writes into another tenant", async () => {
    const seen = await asTenantRole(async (c) => {
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [DEFAULT_TENANT]);
      return (await c.query('SELECT DISTINCT tenant_id FROM goals')).rows.map((r) => r.tenant_id);
    });
    expect(seen).toEqual([DEFAULT_TENANT]);
    await expect(
      asTenantRole(async (c) => {
        await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [DEFAULT_TENANT]);
        await c.query(
          `INSERT INTO goals (id, tenant_id, title, goal, status, state) VALUES (gen_random_uuid(), $1, 't', 'g', 'queued', 'RECEIVED')`,
          [otherTenant],
        );
      }),
    ).rejects.toThrow(/row-level security/);
  });
});
