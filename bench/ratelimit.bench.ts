/**
 * `npm run bench:ratelimit`: what the rate limiter adds to a request.
 *
 * 1. In-process, one request at a time: RateLimiter.check with one rule on the in-memory
 *    store and on the Redis store (BENCH_REDIS_URL, default the local Redis); the median
 *    difference is what sharing counters across processes costs a request.
 * 2. Over HTTP: requests per second of one API process (`node dist/src/main.js`, embedded,
 *    in-memory counters) on an open route, with the limiter off and with a rule counting
 *    every request.
 * Prints a table; asserts nothing.
 */
import 'reflect-metadata';
import { Agent, request } from 'node:http';
import { startApp } from '#testing';
import { rootLogger } from '../src/observability/logger';
import type { LimitCheck } from '../src/ratelimit/rate-limiter.service';
import { RateLimiter } from '../src/ratelimit/rate-limiter.service';
import { InMemoryRateLimitStore } from '../src/ratelimit/storage/in-memory-rate-limit.store';
import type { RateLimitStore } from '../src/ratelimit/storage/rate-limit.store';
import { RedisRateLimitStore } from '../src/ratelimit/storage/redis-rate-limit.store';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const OPEN_ROUTE = '/health/live';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))];
}
const ms = (v: number) => `${v.toFixed(3)} ms`;

async function perRequest(store: RateLimitStore): Promise<number[]> {
  const limiter = new RateLimiter(store);
  const check = (i: number): LimitCheck[] => [
    {
      rule: 'bench',
      key: `ip-${i % 1000}`,
      spec: { strategy: 'SLIDING_WINDOW', limit: 1_000_000_000, windowMs: 60_000 },
    },
  ];
  for (let i = 0; i < 500; i++) await limiter.check(check(i));
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    await limiter.check(check(i));
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Requests per second on the open route with CONNECTIONS keep-alive clients for SECONDS. */
async function throughput(env: Record<string, string>): Promise<number> {
  const app = await startApp({ env: { LOG_LEVEL: 'error', PROCESS_JOBS: 'false', ...env } });
  const port = app.port;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: OPEN_ROUTE, agent }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`${OPEN_ROUTE}: ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
  try {
    const run = async (untilMs: number) => {
      let count = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (performance.now() < untilMs) {
            await get();
            count += 1;
          }
        }),
      );
      return count;
    };
    await run(performance.now() + 1000);
    const start = performance.now();
    const count = await run(start + SECONDS * 1000);
    return count / ((performance.now() - start) / 1000);
  } finally {
    agent.destroy();
    await app.stop();
  }
}

async function main(): Promise<void> {
  rootLogger('error');
  const memory = await perRequest(new InMemoryRateLimitStore());
  const redisStore = new RedisRateLimitStore(REDIS_URL, `avbench${process.pid}`, undefined, false);
  let redis: number[];
  try {
    redis = await perRequest(redisStore);
  } finally {
    await redisStore.clear();
    await redisStore.onApplicationShutdown();
  }

  const rule = JSON.stringify([
    {
      name: 'bench-per-ip',
      path: OPEN_ROUTE,
      strategy: 'SLIDING_WINDOW',
      scope: 'IP',
      limit: 1_000_000_000,
      window_s: 60,
    },
  ]);
  const off = await throughput({ RATE_LIMIT_ENABLED: 'false' });
  const on = await throughput({ RATE_LIMIT_RULES: rule, RATE_LIMIT_EXEMPT_PATHS: '' });

  const added = median(redis) - median(memory);
  console.log(
    `\nRate limiter overhead (${ITERATIONS} checks per store; ${SECONDS} s × ${CONNECTIONS} connections per HTTP run)\n`,
  );
  console.table([
    { measure: 'check, in-memory store', value: ms(median(memory)), p99: ms(p99(memory)) },
    { measure: 'check, Redis store (Lua)', value: ms(median(redis)), p99: ms(p99(redis)) },
    { measure: 'added by Redis over memory (median)', value: ms(added), p99: '' },
    { measure: `HTTP ${OPEN_ROUTE}, limiter off`, value: `${off.toFixed(0)} req/s`, p99: '' },
    {
      measure: `HTTP ${OPEN_ROUTE}, limiter on (1 rule)`,
      value: `${on.toFixed(0)} req/s`,
      p99: '',
    },
    { measure: 'throughput ratio on / off', value: (on / off).toFixed(3), p99: '' },
  ]);
  console.log(`target: Redis adds under 0.3 ms (median) → ${added < 0.3 ? 'met' : 'NOT met'}`);
  console.log(`target: throughput ratio at least 0.9 → ${on / off >= 0.9 ? 'met' : 'NOT met'}`);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
