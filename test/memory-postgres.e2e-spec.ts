import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  startApp,
  TestDatabase,
  waitFor,
  TEST_ADMIN_API_KEY,
} from '#testing';

const OTHER_TENANT = '0190f0c4-0000-7000-8000-0000000000b2';

/** Memory API on PostgreSQL without pgvector: the exact cosine fallback. */
describe('memory on PostgreSQL (exact cosine fallback)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let api: ApiClient;
  const env = () => ({ DATABASE_URL: db.url, MEMORY_KEEPER_INTERVAL_MS: '0' });

  beforeAll(async () => {
    db = await createPostgresDatabase();
    app = await startApp({ env: env() });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('warns at start and reports the exact backend', async () => {
    expect(app.output()).toMatch(/memory search uses exact cosine/);
    const stats = await api.get('/api/v1/memory/stats');
    expect(stats.body).toMatchObject({
      total: 0,
      vector_backend: 'exact-cosine',
      embedding: { model: 'local-lexical-v1', dimensions: 384, lexical: true },
    });
  });

  it('stores, finds by similarity, filters by type, edits with re-embedding and forgets', async () => {
    const created = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'The billing service retries failed card payments three times',
      importance: 0.7,
      metadata: { topic: 'billing' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'semantic',
      importance: 0.7,
      access_count: 0,
      verified: false,
    });
    await api.post('/api/v1/memory', {
      type: 'episodic',
      content: 'Deployed the search cluster on Tuesday',
    });
    await api.post('/api/v1/memory', {
      type: 'strategic',
      content: 'Chose retries for card payments over manual review',
      metadata: {
        decision: 'retry',
        rationale: 'cheaper',
        alternatives: ['manual review'],
        outcome: 'fewer losses',
        lessons: ['retry first'],
      },
    });

    const found = await api.get('/api/v1/memory/search?q=card%20payment%20retries&k=2');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ lexical: true, vector_backend: 'exact-cosine' });
    expect(found.body.items).toHaveLength(2);
    expect(found.body.items[0].memory.id).toBe(created.body.id);
    expect(found.body.items[0].similarity).toBeGreaterThan(found.body.items[1].similarity);

    const typed = await api.get('/api/v1/memory/search?q=card%20payment%20retries&type=strategic');
    expect(typed.body.items.map((h: { memory: { type: string } }) => h.memory.type)).toEqual([
      'strategic',
    ]);

    const one = await api.get(`/api/v1/memory/${created.body.id}`);
    expect(one.body.access_count).toBe(2); // one search hit + this read

    const edited = await api.patch(`/api/v1/memory/${created.body.id}`, {
      content: 'Kubernetes nodes autoscale at night',
    });
    expect(edited.status).toBe(200);
    const afterEdit = await api.get('/api/v1/memory/search?q=kubernetes%20autoscale&k=1');
    expect(afterEdit.body.items[0].memory.id).toBe(created.body.id);
    expect(afterEdit.body.items[0].similarity).toBeGreaterThan(0.5);

    expect((await api.delete(`/api/v1/memory/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/v1/memory/${created.body.id}`)).status).toBe(404);
    expect((await api.delete(`/api/v1/memory/${created.body.id}`)).status).toBe(404);
  });

  it('rejects bad input with problem+json naming the field', async () => {
    const before = (await api.get('/api/v1/memory/stats')).body.total;
    const bad = await api.post('/api/v1/memory', { type: 'dream', content: '' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'content',
      'type',
    ]);
    const badK = await api.get('/api/v1/memory/search?q=x&k=1000');
    expect(badK.status).toBe(400);
    expect(badK.body.errors[0].field).toBe('k');
    expect((await api.get('/api/v1/memory/search')).body.errors[0].field).toBe('q');
    expect((await api.get('/api/v1/memory/not-a-uuid')).status).toBe(400);
    expect((await api.get('/api/v1/memory/stats')).body.total).toBe(before);
  });

  it("never shows one tenant's memory to another", async () => {
    await queryPostgres(
      db.url,
      `INSERT INTO tenants (id, slug, name) VALUES ($1, 'other', 'Other')`,
      [OTHER_TENANT],
    );
    const mine = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'Secret plan for project falcon launch',
    });
    // the other tenant's copy has the very same text and vector
    const [theirs] = await queryPostgres<{ id: string }>(
      db.url,
      `INSERT INTO memories (id, tenant_id, kind, content, metadata, importance, embedding, embedding_model, embedding_dim)
       SELECT '0190f0c4-0000-7000-8000-0000000000c3', $1, kind, content, metadata, importance, embedding, embedding_model, embedding_dim FROM memories WHERE id = $2
       RETURNING id`,
      [OTHER_TENANT, mine.body.id],
    );
    const hits = await api.get('/api/v1/memory/search?q=project%20falcon%20launch&k=50');
    const ids = hits.body.items.map((h: { memory: { id: string } }) => h.memory.id);
    expect(ids).toContain(mine.body.id);
    expect(ids).not.toContain(theirs.id);
    expect((await api.get(`/api/v1/memory/${theirs.id}`)).status).toBe(404);
    expect((await api.delete(`/api/v1/memory/${theirs.id}`)).status).toBe(404);
    const exported = await fetch(`${app.baseUrl}/api/v1/memory/export`, {
      headers: { 'x-api-key': TEST_ADMIN_API_KEY },
    });
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l: { id: string }) => l.id)).toContain(mine.body.id);
    expect(lines.map((l: { id: string }) => l.id)).not.toContain(theirs.id);
    const [{ count }] = await queryPostgres<{ count: string }>(
      db.url,
      `SELECT count(*) FROM memories WHERE tenant_id = $1`,
      [OTHER_TENANT],
    );
    expect(Number(count)).toBe(1);
    expect((await api.get('/api/v1/memory/stats')).body.total).toBe(lines.length);
  });

  it('merges near-duplicates, summarises old episodes and applies retention', async () => {
    const a = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'Invoices are sent on the first working day of the month',
      importance: 0.4,
    });
    const b = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'Invoices are sent on the first working day of the month.',
      importance: 0.9,
    });
    const old = await api.post('/api/v1/memory', {
      type: 'episodic',
      content: 'Goal: migrate the wiki. Outcome: completed',
      metadata: { outcome: 'completed' },
    });
    const stale = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'Printer on floor 3 is broken',
      importance: 0.1,
    });
    const expiring = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'Temporary door code 4711',
      ttl_days: 1,
    });
    await queryPostgres(
      db.url,
      `UPDATE memories SET created_at = now() - interval '400 days' WHERE id = $1`,
      [old.body.id],
    );
    await queryPostgres(
      db.url,
      `UPDATE memories SET updated_at = now() - interval '400 days' WHERE id = $1`,
      [stale.body.id],
    );
    await queryPostgres(
      db.url,
      `UPDATE memories SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [expiring.body.id],
    );

    const report = await api.post('/api/v1/memory/maintenance');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ merged: 1, summarised: 1, expired: 1, forgotten: 1 });
    const survivor = await api.get(`/api/v1/memory/${a.body.id}`);
    expect(survivor.body.importance).toBeCloseTo(0.9, 5);
    expect(survivor.body.metadata.merged_from).toEqual([b.body.id]);
    expect((await api.get(`/api/v1/memory/${b.body.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/memory/${old.body.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/memory/${stale.body.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/memory/${expiring.body.id}`)).status).toBe(404);
    const summary = await api.get('/api/v1/memory/search?q=migrate%20the%20wiki&type=semantic&k=1');
    expect(summary.body.items[0].memory).toMatchObject({
      title: expect.stringMatching(/^Summary of 1 episodes/),
      provenance: { summarised_from: [{ id: old.body.id, goal_id: null }] },
    });
  });

  it('re-embeds stored memories when the embedding dimension changes', async () => {
    await app.stop();
    app = await startApp({ env: { ...env(), EMBEDDING_DIMENSIONS: '128' } });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    await waitFor(
      async () => {
        const [{ stale }] = await queryPostgres<{ stale: string }>(
          db.url,
          `SELECT count(*) FILTER (WHERE embedding_dim <> 128) AS stale FROM memories`,
        );
        return Number(stale) === 0 || undefined;
      },
      { what: 'memories re-embedded at dimension 128' },
    );
    const [{ len }] = await queryPostgres<{ len: number }>(
      db.url,
      `SELECT max(array_length(embedding, 1)) AS len FROM memories`,
    );
    expect(len).toBe(128);
    const hits = await api.get('/api/v1/memory/search?q=when%20are%20invoices%20sent&k=1');
    expect(hits.body.items[0].memory.content).toBe(
      'Invoices are sent on the first working day of the month',
    );
    expect((await api.get('/api/v1/memory/stats')).body.embedding.dimensions).toBe(128);
  });
});
