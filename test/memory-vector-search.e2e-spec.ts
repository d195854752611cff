import { ApiClient, AppProcess, startApp, TEST_ADMIN_API_KEY } from '#testing';
import { cosine, localEmbedding } from '../src/memory/embedding';

const VOCABULARY = Array.from({ length: 400 }, (_, i) => `w${(i * 7919) % 10007}`);

/** Deterministic sentences of six words from a shared vocabulary (mulberry32). */
function sentences(count: number, seed: number): string[] {
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 6 }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(' '),
  );
}

/** The k best exact similarities of the query to the texts. */
function exactTop(texts: string[], query: string, k: number): number[] {
  const q = localEmbedding(query, 384);
  return texts
    .map((t) => cosine(localEmbedding(t, 384), q))
    .sort((a, b) => b - a)
    .slice(0, k);
}

/** The API rounds similarities to 4 decimals and computes them in float4. */
function expectSimilarities(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((s, i) => expect(Math.abs(s - expected[i])).toBeLessThan(1e-3));
}

/**
 * Vector search on the embedded default (PGlite + pgvector) with a large tenant, searched
 * through the HNSW index, and a small tenant in the same table: a graph walk filtered to
 * the small tenant would mostly visit the large tenant's rows and miss the small one's best.
 */
describe('memory vector search with a large and a small tenant (PGlite + pgvector)', () => {
  let app: AppProcess;
  let large: ApiClient;
  let small: ApiClient;
  const largeTexts = sentences(1200, 1);
  const rareTexts = sentences(15, 2);
  const smallTexts = sentences(12, 3);
  const queries = sentences(5, 4);

  const store = async (api: ApiClient, type: string, texts: string[]) => {
    const ids: string[] = [];
    for (let i = 0; i < texts.length; i += 20)
      for (const res of await Promise.all(
        texts
          .slice(i, i + 20)
          .map((content) => api.post('/api/v1/memory', { type, content, importance: 0.5 })),
      )) {
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
    return ids;
  };
  const search = async (api: ApiClient, q: string, extra = '') => {
    const res = await api.get(`/api/v1/memory/search?q=${encodeURIComponent(q)}&k=10${extra}`);
    expect(res.status).toBe(200);
    return res.body.items as Array<{ memory: { id: string }; similarity: number }>;
  };

  beforeAll(async () => {
    app = await startApp({
      env: { API_KEY_RATE_PER_MINUTE: '100000', API_KEY_RATE_BURST: '10000' },
    });
    large = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const tenant = await large.post('/api/v1/tenants', {
      slug: 'small',
      name: 'Small',
      tier: 'ENTERPRISE',
    });
    expect(tenant.status).toBe(201);
    small = large.inTenant(tenant.body.id);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("finds each tenant's nearest memories, and only its own", async () => {
    const largeIds = new Set([
      ...(await store(large, 'semantic', largeTexts)),
      ...(await store(large, 'procedural', rareTexts)),
    ]);
    const smallIds = new Set(await store(small, 'semantic', smallTexts));
    expect((await large.get('/api/v1/memory/stats')).body.vector_backend).toBe('pgvector-hnsw');

    for (const q of queries) {
      const mine = await search(small, q);
      expect(mine.every((h) => smallIds.has(h.memory.id))).toBe(true);
      expectSimilarities(
        mine.map((h) => h.similarity),
        exactTop(smallTexts, q, 10),
      );

      const theirs = await search(large, q);
      expect(theirs).toHaveLength(10);
      expect(theirs.every((h) => largeIds.has(h.memory.id))).toBe(true);
      expectSimilarities([theirs[0].similarity], exactTop([...largeTexts, ...rareTexts], q, 1));

      // a rare type within the large tenant: all of its 10 best, not whatever the walk met
      const rare = await search(large, q, '&type=procedural');
      expectSimilarities(
        rare.map((h) => h.similarity),
        exactTop(rareTexts, q, 10),
      );
    }
  });

  it("refuses a memory whose source is another tenant's goal, an unknown one, or a task not of its goal", async () => {
    const goal = await large.post('/api/v1/goals', { goal: 'Research cats.' });
    expect(goal.status).toBe(202);
    const goalId: string = goal.body.goal_id;
    const refusal = async (api: ApiClient, source: Record<string, string>) => {
      const res = await api.post('/api/v1/memory', { type: 'semantic', content: 'x', ...source });
      return [res.status, res.body.errors?.map((e: { field: string }) => e.field)];
    };
    expect(await refusal(small, { source_goal_id: goalId })).toEqual([400, ['source_goal_id']]);
    expect(
      await refusal(large, { source_goal_id: '0190f0c4-0000-7000-8000-000000000000' }),
    ).toEqual([400, ['source_goal_id']]);
    expect(await refusal(large, { source_task_id: goalId })).toEqual([400, ['source_task_id']]);
    expect(await refusal(large, { source_goal_id: goalId, source_task_id: goalId })).toEqual([
      400,
      ['source_task_id'],
    ]);
    const stored = await large.post('/api/v1/memory', {
      type: 'semantic',
      content: 'cats purr',
      source_goal_id: goalId,
    });
    expect([stored.status, stored.body.source.goal_id]).toEqual([201, goalId]);
  });
});
