/**
 * npm run bench:sandbox — cost of the code sandbox and of the safety gate.
 *
 * 1. Sandbox start-to-exit for a trivial Python program (`print(1)`) under the full
 *    bubblewrap setup the product uses (private mount staging and uid drop when root,
 *    rlimits, all namespaces), against plain `python3` without a sandbox. Target: median
 *    under 80 ms.
 * 2. Safety gate decision per tool call (the pure policy: the ordered checks, blocked-action
 *    scan of the arguments, approval policy), for typical calls. Target: under 0.2 ms. The
 *    gate's one database statement per call (counter increment returning the goal's usage)
 *    is not included.
 * Prints tables; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSandbox } from '#sandbox';
import {
  evaluateSafety,
  GoalUsage,
  parseApprovalCategories,
  SafetyAction,
  SafetyLimits,
} from '../src/safety/safety-policy';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const MB = 1024 * 1024;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p90: at(0.9), min: s[0], max: s[s.length - 1] };
}

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits).padStart(9);
}

async function sandboxBench(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'av-bench-'));
  const workspace = join(base, 'ws');
  mkdirSync(workspace);
  const sandbox = new ProcessSandbox({
    limits: {
      cpuSeconds: 10,
      memoryBytes: 512 * MB,
      maxProcesses: 64,
      maxFileBytes: 100 * MB,
      maxOutputBytes: MB,
      wallMs: 10000,
      tmpBytes: 64 * MB,
    },
  });
  const probe = await sandbox.probe();
  if (!probe.available) {
    console.log(`sandbox unavailable: ${probe.detail}`);
    return;
  }
  const python = { argv: ['/usr/bin/python3', '-I', '-'], stdin: 'print(1)', workspace };
  const sandboxed: number[] = [];
  const plain: number[] = [];
  await sandbox.run(python); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const r = await sandbox.run(python);
    if (r.stdout.trim() !== '1') throw new Error(`unexpected output ${r.stdout} ${r.stderr}`);
    sandboxed.push(r.durationMs);
    const t = performance.now();
    spawnSync('/usr/bin/python3', ['-I', '-c', 'print(1)']);
    plain.push(performance.now() - t);
  }
  rmSync(base, { recursive: true, force: true });
  const a = stats(sandboxed);
  const b = stats(plain);
  console.log(`\nSandbox start-to-exit, trivial Python (${RUNS} runs; target: median < 80 ms)`);
  console.log('                          median       p90       min       max   (ms)');
  console.log(`bubblewrap sandbox    ${fmt(a.median)} ${fmt(a.p90)} ${fmt(a.min)} ${fmt(a.max)}`);
  console.log(`plain python3         ${fmt(b.median)} ${fmt(b.p90)} ${fmt(b.min)} ${fmt(b.max)}`);
  console.log(
    `sandbox overhead      ${fmt(a.median - b.median)}   (ratio ${(a.median / b.median).toFixed(2)})`,
  );
}

function gateBench(): void {
  const limits: SafetyLimits = {
    maxRecursionDepth: 10,
    maxTokens: 500_000,
    maxCostUsd: 10,
    maxAgentsSpawned: 50,
    maxToolCalls: 200,
    maxWallMs: 3_600_000,
    maxRisk: 'HIGH',
    maxConcurrency: 20,
    approvalCategories: parseApprovalCategories('deploy,delete,payment,admin,code_execution'),
    allowHosts: ['127.0.0.1:8080'],
  };
  const usage: GoalUsage = {
    tokens: 12_000,
    costUsd: 0.02,
    agentsSpawned: 3,
    toolCalls: 7,
    wallMs: 40_000,
    concurrent: 2,
  };
  const code = Array.from(
    { length: 40 },
    (_, i) => `total_${i} = sum(x * ${i} for x in range(100))  # step ${i}`,
  ).join('\n');
  const call = (
    name: string,
    args: unknown,
    risk: SafetyAction['risk'],
    permission: SafetyAction['permission'],
  ): SafetyAction => ({ kind: 'tool_call', name, args, risk, permission, depth: 1 });
  const cases: Array<[string, SafetyAction]> = [
    ['read_file', call('read_file', { path: 'notes/report.md' }, 'LOW', 'READ_ONLY')],
    [
      'write_file 2 KB',
      call(
        'write_file',
        { path: 'out/report.md', content: 'The quick brown fox. '.repeat(100) },
        'MEDIUM',
        'READ_WRITE',
      ),
    ],
    [
      'http_get',
      call('http_get', { url: 'https://example.com/api/items?page=2' }, 'MEDIUM', 'READ_ONLY'),
    ],
    [
      'run_command',
      call('run_command', { command: 'ls -la && grep -rn TODO src | head -20' }, 'HIGH', 'EXECUTE'),
    ],
    ['execute_python 40 lines', call('execute_python', { code }, 'HIGH', 'EXECUTE')],
    [
      'blocked: obfuscated rm -rf /',
      call('run_command', { command: 'sudo r"m" -rf${IFS}/' }, 'HIGH', 'EXECUTE'),
    ],
  ];
  const iterations = Number(process.env.BENCH_GATE_ITERATIONS ?? 20000);
  console.log(`\nSafety gate decision per tool call (${iterations} iterations; target: < 0.2 ms)`);
  console.log('call                           outcome          ms/call');
  for (const [label, action] of cases) {
    for (let i = 0; i < 1000; i++) evaluateSafety(action, usage, limits);
    const t = performance.now();
    let outcome = '';
    for (let i = 0; i < iterations; i++) outcome = evaluateSafety(action, usage, limits).outcome;
    const per = (performance.now() - t) / iterations;
    console.log(`${label.padEnd(30)} ${outcome.padEnd(12)} ${per.toFixed(4).padStart(11)}`);
  }
}

async function main(): Promise<void> {
  await sandboxBench();
  gateBench();
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
