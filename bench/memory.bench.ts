/**
 * Memory vector search benchmark: N memories of dimension 384 (local lexical embeddings
 * of synthetic topic sentences), insert rate, search latency p50/p95 and recall@10
 * against brute-force exact search, on PGlite (pgvector HNSW) and PostgreSQL (exact
 * cosine fallback, no pgvector on these machines). Prints a table; asserts nothing.
 *
 *   npm run bench:memory                       # N=100000
 *   BENCH_MEMORY_N=20000 npm run bench:memory  # quicker
 * PostgreSQL: TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
 * BENCH_MEMORY_SKIP_POSTGRES=1 skips it.
 */
import { DataSource } from 'typeorm';
import { uuidv7 } from '../libs/common/src';
import { createPostgresDatabase } from '../libs/testing/src/databases';
import { DEFAULT_TENANT_ID } from '../migrations/1764000000000-foundation';
import { loadConfig } from '../src/config/app-config';
import { createDataSource } from '../src/database/data-source.factory';
import { detectCapabilities, runMigrations } from '../src/database/migration-runner';
import { localEmbedding } from '../src/memory/embedding';
import {
  ExactCosineStore,
  PgvectorStore,
  vectorLiteral,
  VectorStore,
} from '../src/memory/vector-store';

const N = Number(process.env.BENCH_MEMORY_N ?? 100_000);
const DIM = 384;
const K = 10;
const QUERIES = Number(process.env.BENCH_MEMORY_QUERIES ?? 200);
const PG_QUERIES = Number(process.env.BENCH_MEMORY_PG_QUERIES ?? 5);
const BATCH = 250;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(count: number, seed: number): string[] {
  const random = rng(seed);
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ra',
    'te',
    'su',
    'vo',
    'ne',
    'di',
    'po',
    'ga',
    'fu',
    'ze',
    'bi',
    'xo',
    'ly',
  ];
  const word = () =>
    Array.from(
      { length: 2 + Math.floor(random() * 3) },
      () => syllables[Math.floor(random() * syllables.length)],
    ).join('');
  const vocabulary = Array.from({ length: 5000 }, word);
  const topics = Array.from({ length: 300 }, () =>
    Array.from({ length: 25 }, () => vocabulary[Math.floor(random() * vocabulary.length)]),
  );
  return Array.from({ length: count }, () => {
    const topic = topics[Math.floor(random() * topics.length)];
    return Array.from({ length: 8 + Math.floor(random() * 10) }, () =>
      random() < 0.7
        ? topic[Math.floor(random() * topic.length)]
        : vocabulary[Math.floor(random() * vocabulary.length)],
    ).join(' ');
  });
}

function exactTopK(matrix: Float32Array, count: number, query: number[], k: number): string[] {
  const best: Array<{ i: number; s: number }> = [];
  for (let i = 0; i < count; i++) {
    let s = 0;
    const off = i * DIM;
    for (let d = 0; d < DIM; d++) s += matrix[off + d] * query[d];
    if (best.length < k || s > best[best.length - 1].s) {
      best.push({ i, s });
      best.sort((a, b) => b.s - a.s);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => String(b.i));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  backend: string;
  n: number;
  insertPerSec: number;
  indexSeconds: number;
  p50: number;
  p95: number;
  recall: number;
  queries: number;
}

async function run(
  name: string,
  dataSource: DataSource,
  store: VectorStore,
  ids: string[],
  vectors: number[][],
  queries: number[][],
  truth: string[][],
): Promise<Row> {
  await runMigrations(dataSource);
  await detectCapabilities(dataSource);
  const started = Date.now();
  for (let offset = 0; offset < vectors.length; offset += BATCH) {
    const slice = vectors.slice(offset, offset + BATCH);
    const params: unknown[] = [];
    const values = slice.map((v, j) => {
      params.push(ids[offset + j], vectorLiteral(v));
      const a = params.length - 1;
      return `($${a}, '${DEFAULT_TENANT_ID}', 'semantic', 'bench', $${a + 1}::real[], 'bench', ${DIM})`;
    });
    await dataSource.query(
      `INSERT INTO memories (id, tenant_id, kind, content, embedding, embedding_model, embedding_dim) VALUES ${values.join(',')}`,
      params,
    );
    if (offset % 20000 === 0)
      process.stdout.write(`  ${name}: ${offset}/${vectors.length} inserted\r`);
  }
  const insertSeconds = (Date.now() - started) / 1000;
  const indexStarted = Date.now();
  await store.prepare(dataSource);
  const indexSeconds = (Date.now() - indexStarted) / 1000;
  const latencies: number[] = [];
  let found = 0;
  const position = new Map(ids.map((id, i) => [id, String(i)]));
  for (let q = 0; q < queries.length; q++) {
    const t0 = process.hrtime.bigint();
    const hits = await dataSource.transaction((m) =>
      store.search(m, { tenantId: DEFAULT_TENANT_ID, vector: queries[q], k: K }),
    );
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const want = new Set(truth[q]);
    found += hits.filter((h) => want.has(position.get(h.id)!)).length;
  }
  return {
    backend: name,
    n: vectors.length,
    insertPerSec: Math.round(vectors.length / insertSeconds),
    indexSeconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    recall: found / (queries.length * K),
    queries: queries.length,
  };
}

async function main(): Promise<void> {
  console.log(`memory bench: N=${N}, dimension ${DIM}, k=${K}`);
  const texts = corpus(N, 42);
  const vectors = texts.map((t) => localEmbedding(t, DIM));
  const matrix = new Float32Array(N * DIM);
  vectors.forEach((v, i) => matrix.set(v, i * DIM));
  const ids = vectors.map(() => uuidv7());
  const queryTexts = corpus(Math.max(QUERIES, PG_QUERIES), 7);
  const queries = queryTexts.map((t) => localEmbedding(t, DIM));
  const truth = queries.map((q) => exactTopK(matrix, N, q, K));
  const rows: Row[] = [];

  const config = loadConfig({});
  const pglite = createDataSource(config, { inMemory: true });
  await pglite.initialize();
  try {
    rows.push(
      await run(
        'PGlite pgvector HNSW',
        pglite,
        new PgvectorStore(DIM),
        ids,
        vectors,
        queries.slice(0, QUERIES),
        truth.slice(0, QUERIES),
      ),
    );
  } finally {
    await pglite.destroy();
  }

  if (!process.env.BENCH_MEMORY_SKIP_POSTGRES) {
    const db = await createPostgresDatabase();
    const pg = createDataSource(loadConfig({ DATABASE_URL: db.url }));
    await pg.initialize();
    try {
      rows.push(
        await run(
          'PostgreSQL exact cosine',
          pg,
          new ExactCosineStore(DIM),
          ids,
          vectors,
          queries.slice(0, PG_QUERIES),
          truth.slice(0, PG_QUERIES),
        ),
      );
    } finally {
      await pg.destroy();
      await db.drop();
    }
  }

  console.log('');
  console.log(
    '| backend | memories | insert/s | index build s | search p50 ms | search p95 ms | recall@10 | queries |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.backend} | ${r.n} | ${r.insertPerSec} | ${r.indexSeconds.toFixed(1)} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.recall.toFixed(3)} | ${r.queries} |`,
    );
  console.log(
    'Targets with HNSW: recall@10 >= 0.95, p95 < 20 ms. Ground truth: brute-force cosine in JS.',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
