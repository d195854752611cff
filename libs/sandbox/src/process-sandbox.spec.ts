import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSandbox, SandboxLimits, SandboxUnavailable } from './process-sandbox';

const limits: SandboxLimits = {
  cpuSeconds: 5,
  memoryBytes: 256 * 1024 * 1024,
  maxProcesses: 32,
  maxFileBytes: 1024 * 1024,
  maxOutputBytes: 64 * 1024,
  wallMs: 5000,
  tmpBytes: 16 * 1024 * 1024,
};
const python = (code: string) => ({ argv: ['/usr/bin/python3', '-I', '-'], stdin: code });

describe('ProcessSandbox (bubblewrap)', () => {
  const sandbox = new ProcessSandbox({ limits });
  let base: string;
  let workspace: string;

  beforeAll(async () => {
    const probe = await sandbox.probe();
    if (!probe.available)
      throw new Error(
        `these tests need a working bubblewrap (${probe.detail}): \`npm test\` installs it when run as root, otherwise apt-get install bubblewrap python3`,
      );
  });

  beforeEach(() => {
    // a private (0700) parent, like a real DATA_DIR: the sandbox uid cannot traverse it
    base = mkdtempSync(join(tmpdir(), 'av-sbx-'));
    workspace = join(base, 'ws');
    mkdirSync(workspace);
  });
  afterEach(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('runs Python as an unprivileged user with no capabilities, writing only its workspace', async () => {
    writeFileSync(join(workspace, 'in.txt'), 'data');
    const r = await sandbox.run({
      ...python(
        'import os\nprint(os.getuid(), open("in.txt").read())\nopen("out.txt","w").write("ok")\nprint(open("/proc/self/status").read().split("CapEff:")[1].split()[0])',
      ),
      workspace,
    });
    expect(r.exitCode).toBe(0);
    const [first, caps] = r.stdout.trim().split('\n');
    expect(first).toBe('65534 data');
    expect(caps).toBe('0000000000000000');
    expect(readFileSync(join(workspace, 'out.txt'), 'utf8')).toBe('ok');
  });

  it('has no network', async () => {
    const r = await sandbox.run({
      ...python(
        'import socket\ntry:\n  socket.create_connection(("1.1.1.1", 80), timeout=2); print("connected")\nexcept OSError as e:\n  print("refused", e.errno)',
      ),
      workspace,
    });
    expect(r.stdout).toMatch(/^refused/);
  });

  it('cannot write outside the workspace', async () => {
    const r = await sandbox.run({
      argv: ['/bin/sh', '-c', 'touch /usr/evil; touch /etc/evil; touch /evil; echo done'],
      workspace,
    });
    expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync('/usr/evil') || existsSync('/evil')).toBe(false);
  });

  it('stops a fork bomb at the process limit', async () => {
    const r = await sandbox.run({
      ...python(
        'import os\nn=0\ntry:\n  for i in range(1000):\n    if os.fork()==0:\n      import time; time.sleep(3); os._exit(0)\n    n+=1\nexcept OSError as e:\n  print("stopped at", n)',
      ),
      workspace,
      limits: { wallMs: 4000 },
    });
    expect(r.stdout).toMatch(/stopped at \d+/);
    expect(Number(/stopped at (\d+)/.exec(r.stdout)![1])).toBeLessThan(limits.maxProcesses);
  });

  it('stops a memory bomb', async () => {
    const r = await sandbox.run({
      ...python('x = bytearray(1024*1024*1024)\nprint("allocated")'),
      workspace,
    });
    expect(r.stdout).not.toContain('allocated');
    expect(r.stderr).toContain('MemoryError');
  });

  it('kills an infinite loop at the wall-clock limit', async () => {
    const r = await sandbox.run({
      ...python('while True: pass'),
      workspace,
      limits: { wallMs: 700 },
    });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(3000);
  });

  it('caps output', async () => {
    const r = await sandbox.run({ ...python('while True: print("x"*1000)'), workspace });
    expect(r.outputTruncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(limits.maxOutputBytes);
  });
});

describe('ProcessSandbox without bubblewrap', () => {
  it('refuses to run anything and says why', async () => {
    const missing = new ProcessSandbox({ limits, bwrapPath: '/nonexistent/bwrap' });
    expect(await missing.probe()).toEqual({
      available: false,
      detail: '/nonexistent/bwrap not found or not executable',
    });
    const workspace = mkdtempSync(join(tmpdir(), 'av-sbx-'));
    try {
      await expect(missing.run({ argv: ['/bin/true'], workspace })).rejects.toThrow(
        new SandboxUnavailable('/nonexistent/bwrap not found or not executable'),
      );
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
