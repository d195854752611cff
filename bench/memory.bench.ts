/**
 * Memory vector search benchmark: N memories of dimension 384 (local lexical embeddings
 * of synthetic topic sentences), insert rate, search latency p50/p95 and recall@10
 * against brute-force exact search, on PGlite (pgvector HNSW) and PostgreSQL (exact
 * cosine fallback, no pgvector on these machines). A second row per backend searches a
 * tenant of 50 memories sharing the table (the filtered case). Prints a table; asserts
 * nothing.
 *
 * recall@10 counts a returned memory as a true neighbour when its exact similarity is at
 * least the 10th best exact similarity (the usual definition with ties: a memory tied with
 * the 10th is as right as the one the brute force happened to keep). Similarities are
 * recomputed in JS for both sides, so the comparison is exact.
 *
 *   npm run bench:memory                       # N=100000
 *   BENCH_MEMORY_N=20000 npm run bench:memory  # quicker
 * PostgreSQL: TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
 * BENCH_MEMORY_SKIP_POSTGRES=1 skips it.
 */
import { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import { createPostgresDatabase } from '#testing/databases';
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
const PG_QUERIES = Number(process.env.BENCH_MEMORY_PG_QUERIES ?? 50);
const BATCH = 250;
/** A second tenant with few memories in the same table: the filtered-search case. */
const SMALL_N = 50;
const SMALL_TENANT_ID = '00000000-0000-0000-0000-0000000000b1';

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

function similarity(matrix: Float32Array, i: number, query: number[]): number {
  let s = 0;
  const off = i * DIM;
  for (let d = 0; d < DIM; d++) s += matrix[off + d] * query[d];
  return s;
}

/** One tenant's memories with the exact answers to the queries. */
interface TenantSet {
  tenantId: string;
  ids: string[];
  vectors: number[][];
  matrix: Float32Array;
  /** Per query, the k-th best exact similarity. */
  kth: number[];
}

function tenantSet(tenantId: string, texts: string[], queries: number[][]): TenantSet {
  const vectors = texts.map((t) => localEmbedding(t, DIM));
  const matrix = new Float32Array(vectors.length * DIM);
  vectors.forEach((v, i) => matrix.set(v, i * DIM));
  const kth = queries.map((query) => {
    const best: number[] = [];
    for (let i = 0; i < vectors.length; i++) {
      const s = similarity(matrix, i, query);
      if (best.length < K || s > best[best.length - 1]) {
        best.push(s);
        best.sort((a, b) => b - a);
        if (best.length > K) best.pop();
      }
    }
    return best[best.length - 1];
  });
  return { tenantId, ids: vectors.map(() => uuidv7()), vectors, matrix, kth };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  backend: string;
  n: string;
  insertPerSec: string;
  indexSeconds: string;
  p50: number;
  p95: number;
  recall: number;
  queries: number;
}

async function insert(name: string, dataSource: DataSource, set: TenantSet): Promise<void> {
  for (let offset = 0; offset < set.vectors.length; offset += BATCH) {
    const slice = set.vectors.slice(offset, offset + BATCH);
    const params: unknown[] = [];
    const values = slice.map((v, j) => {
      params.push(set.ids[offset + j], vectorLiteral(v));
      const a = params.length - 1;
      return `($${a}, '${set.tenantId}', 'semantic', 'bench', $${a + 1}::real[], 'bench', ${DIM})`;
    });
    await dataSource.query(
      `INSERT INTO memories (id, tenant_id, kind, content, embedding, embedding_model, embedding_dim) VALUES ${values.join(',')}`,
      params,
    );
    if (offset % 20000 === 0)
      process.stdout.write(`  ${name}: ${offset}/${set.vectors.length} inserted\r`);
  }
}

async function measure(
  dataSource: DataSource,
  store: VectorStore,
  set: TenantSet,
  queries: number[][],
): Promise<Pick<Row, 'p50' | 'p95' | 'recall' | 'queries'>> {
  const latencies: number[] = [];
  let found = 0;
  const position = new Map(set.ids.map((id, i) => [id, i]));
  for (let q = 0; q < queries.length; q++) {
    const t0 = process.hrtime.bigint();
    const hits = await dataSource.transaction((m) =>
      store.search(m, { tenantId: set.tenantId, vector: queries[q], k: K }),
    );
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    // a hit of another tenant has no position and counts as a miss
    found += hits.filter((h) => {
      const i = position.get(h.id);
      return i !== undefined && similarity(set.matrix, i, queries[q]) >= set.kth[q];
    }).length;
  }
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    recall: found / (queries.length * K),
    queries: queries.length,
  };
}

/** The large tenant's memories, then a small tenant's in the same table. */
async function run(
  name: string,
  dataSource: DataSource,
  store: VectorStore,
  large: TenantSet,
  small: TenantSet,
  queries: number[][],
): Promise<Row[]> {
  await runMigrations(dataSource);
  await detectCapabilities(dataSource);
  const started = Date.now();
  await insert(name, dataSource, large);
  const insertSeconds = (Date.now() - started) / 1000;
  await dataSource.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, 'small', 'Small')`, [
    small.tenantId,
  ]);
  await insert(name, dataSource, small);
  const indexStarted = Date.now();
  await store.prepare(dataSource);
  const indexSeconds = (Date.now() - indexStarted) / 1000;
  return [
    {
      backend: name,
      n: String(large.vectors.length),
      insertPerSec: String(Math.round(large.vectors.length / insertSeconds)),
      indexSeconds: indexSeconds.toFixed(1),
      ...(await measure(dataSource, store, large, queries)),
    },
    {
      backend: `${name}, tenant of ${small.vectors.length}`,
      n: `${small.vectors.length} of ${large.vectors.length + small.vectors.length}`,
      insertPerSec: '',
      indexSeconds: '',
      ...(await measure(dataSource, store, small, queries)),
    },
  ];
}

async function main(): Promise<void> {
  console.log(`memory bench: N=${N}, dimension ${DIM}, k=${K}`);
  const queries = corpus(Math.max(QUERIES, PG_QUERIES), 7).map((t) => localEmbedding(t, DIM));
  const large = tenantSet(DEFAULT_TENANT_ID, corpus(N, 42), queries);
  const small = tenantSet(SMALL_TENANT_ID, corpus(SMALL_N, 99), queries);
  const rows: Row[] = [];

  const config = loadConfig({});
  const pglite = createDataSource(config, { inMemory: true });
  await pglite.initialize();
  try {
    rows.push(
      ...(await run(
        'PGlite pgvector HNSW',
        pglite,
        new PgvectorStore(DIM),
        large,
        small,
        queries.slice(0, QUERIES),
      )),
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
        ...(await run(
          'PostgreSQL exact cosine',
          pg,
          new ExactCosineStore(DIM),
          large,
          small,
          queries.slice(0, PG_QUERIES),
        )),
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
      `| ${r.backend} | ${r.n} | ${r.insertPerSec} | ${r.indexSeconds} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.recall.toFixed(3)} | ${r.queries} |`,
    );
  console.log(
    'Targets with HNSW: recall@10 >= 0.95, p95 < 20 ms. Ground truth: brute-force cosine in JS;',
  );
  console.log(
    'a hit counts when its exact similarity is at least the 10th best (ties count as hits).',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
