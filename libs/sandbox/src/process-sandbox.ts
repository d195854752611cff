import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs untrusted programs under bubblewrap: every namespace unshared (no network, new PID
 * namespace), read-only system directories, the workspace as the only writable tree, a
 * private size-capped /tmp, all capabilities dropped, an unprivileged uid (when the server
 * runs as root the program is started as `uid` so RLIMIT_NPROC applies), rlimits on CPU,
 * memory, processes, file size and open files, and a wall-clock kill and output cap.
 * There is no fallback: without a working bubblewrap nothing runs.
 */
export interface SandboxLimits {
  cpuSeconds: number;
  memoryBytes: number;
  maxProcesses: number;
  maxFileBytes: number;
  maxOutputBytes: number;
  wallMs: number;
  tmpBytes: number;
}

export interface SandboxOptions {
  bwrapPath?: string;
  prlimitPath?: string;
  setprivPath?: string;
  /** The unprivileged uid/gid programs run as when the server is root. */
  uid?: number;
  gid?: number;
  limits: SandboxLimits;
}

export interface SandboxRequest {
  argv: string[];
  /** Host directory mounted read-write at /workspace (the working directory). */
  workspace: string;
  stdin?: string;
  env?: Record<string, string>;
  limits?: Partial<SandboxLimits>;
  /** Mount the workspace read-only (a long-running server's own files). */
  readOnlyWorkspace?: boolean;
}

/** A sandboxed program's command line, for callers that spawn and talk to it themselves. */
export interface SandboxCommand {
  command: string;
  args: string[];
}

export interface SandboxResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  outputTruncated: boolean;
  durationMs: number;
}

export class SandboxUnavailable extends Error {
  constructor(detail: string) {
    super(`code execution is disabled: the bubblewrap sandbox is not available (${detail})`);
    this.name = 'SandboxUnavailable';
  }
}

export const SANDBOX_WORKDIR = '/workspace';
const STAGING_DIR = '/tmp';
const SYSTEM_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
const ETC_FILES = ['/etc/ld.so.cache', '/etc/localtime', '/etc/alternatives', '/etc/nsswitch.conf'];

export class ProcessSandbox {
  private probed: Promise<{ available: boolean; detail: string }> | undefined;
  private systemArgs: string[] | undefined;

  constructor(private readonly options: SandboxOptions) {}

  private get bwrap(): string {
    return this.options.bwrapPath ?? '/usr/bin/bwrap';
  }

  private get dropsPrivileges(): boolean {
    return typeof process.getuid === 'function' && process.getuid() === 0;
  }

  /** Runs `true` in the sandbox once; the result is cached. */
  probe(): Promise<{ available: boolean; detail: string }> {
    this.probed ??= this.doProbe();
    return this.probed;
  }

  private async doProbe(): Promise<{ available: boolean; detail: string }> {
    try {
      await fs.access(this.bwrap, constants.X_OK);
    } catch {
      return { available: false, detail: `${this.bwrap} not found or not executable` };
    }
    const dir = await fs.mkdtemp(join(process.env.TMPDIR ?? '/tmp', 'av-sandbox-probe-'));
    try {
      const result = await this.execute({ argv: ['/bin/sh', '-c', 'id -u'], workspace: dir });
      if (result.exitCode !== 0)
        return {
          available: false,
          detail: `bwrap failed: ${(result.stderr || result.stdout).trim().slice(0, 300) || `exit ${result.exitCode}`}`,
        };
      const uid = Number(result.stdout.trim());
      if (uid === 0) return { available: false, detail: 'sandboxed programs would run as root' };
      return { available: true, detail: `bubblewrap works; programs run as uid ${uid}` };
    } catch (error) {
      return { available: false, detail: (error as Error).message };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs a program in the sandbox; refuses with SandboxUnavailable when the probe failed. */
  async run(request: SandboxRequest): Promise<SandboxResult> {
    const probe = await this.probe();
    if (!probe.available) throw new SandboxUnavailable(probe.detail);
    return this.execute(request);
  }

  /**
   * The command line that runs `request` in the sandbox, for a caller that keeps the
   * program running (its own spawn, stdio and lifetime; spawn it with an empty env and
   * `detached` so its process group can be killed). Refuses as `run` does.
   */
  async command(request: SandboxRequest): Promise<SandboxCommand> {
    const probe = await this.probe();
    if (!probe.available) throw new SandboxUnavailable(probe.detail);
    return this.commandFor(request);
  }

  private async systemMounts(): Promise<string[]> {
    if (this.systemArgs) return this.systemArgs;
    const args = ['--ro-bind', '/usr', '/usr'];
    for (const name of SYSTEM_LINKS) {
      const path = `/${name}`;
      const stat = await fs.lstat(path).catch(() => undefined);
      if (!stat) continue;
      if (stat.isSymbolicLink()) args.push('--symlink', await fs.readlink(path), path);
      else if (stat.isDirectory()) args.push('--ro-bind', path, path);
    }
    for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
    this.systemArgs = args;
    return args;
  }

  private async execute(request: SandboxRequest): Promise<SandboxResult> {
    const limits = { ...this.options.limits, ...request.limits };
    const { command, args } = await this.commandFor(request);
    return runBounded(command, args, request.stdin, limits);
  }

  private async commandFor(request: SandboxRequest): Promise<SandboxCommand> {
    const limits = { ...this.options.limits, ...request.limits };
    const uid = this.options.uid ?? 65534;
    const gid = this.options.gid ?? 65534;
    if (this.dropsPrivileges && !request.readOnlyWorkspace)
      await handOver(request.workspace, uid, gid);
    // As root, the workspace (whose parents the sandbox uid may not traverse) is first
    // bind-mounted onto /tmp inside a private mount namespace, then privileges are dropped.
    const source = this.dropsPrivileges ? STAGING_DIR : request.workspace;
    const env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/tmp',
      LANG: 'C.UTF-8',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      ...request.env,
    };
    const bwrapArgs = [
      '--unshare-all',
      '--unshare-user',
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
      '--cap-drop',
      'ALL',
      '--hostname',
      'sandbox',
      ...(await this.systemMounts()),
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      request.readOnlyWorkspace ? '--ro-bind' : '--bind',
      source,
      SANDBOX_WORKDIR,
      '--size',
      String(limits.tmpBytes),
      '--tmpfs',
      '/tmp',
      '--chdir',
      SANDBOX_WORKDIR,
      '--clearenv',
      ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
      '--',
      ...request.argv,
    ];
    const prlimit = [
      `--cpu=${limits.cpuSeconds}`,
      `--as=${limits.memoryBytes}`,
      `--nproc=${limits.maxProcesses}`,
      `--fsize=${limits.maxFileBytes}`,
      '--nofile=256',
      '--core=0',
    ];
    const drop = this.dropsPrivileges
      ? [
          '/usr/bin/unshare',
          '--mount',
          '--propagation',
          'private',
          '--',
          '/bin/sh',
          '-c',
          'mount --bind -- "$1" "$2" && shift 2 && exec "$@"',
          'sh',
          request.workspace,
          STAGING_DIR,
          this.options.setprivPath ?? '/usr/bin/setpriv',
          `--reuid=${uid}`,
          `--regid=${gid}`,
          '--clear-groups',
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--',
        ]
      : [];
    const args = [...prlimit, '--', ...drop, this.bwrap, ...bwrapArgs];
    return { command: this.options.prlimitPath ?? '/usr/bin/prlimit', args };
  }
}

/** Gives the sandbox uid the workspace tree (never following links; hard-linked files are skipped). */
async function handOver(
  dir: string,
  uid: number,
  gid: number,
  budget = { left: 20000 },
): Promise<void> {
  await fs.lchown(dir, uid, gid);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (--budget.left < 0) return;
    const path = join(dir, entry.name);
    const stat = await fs.lstat(path);
    if (stat.isDirectory()) await handOver(path, uid, gid, budget);
    else if (stat.isSymbolicLink() || stat.nlink === 1) await fs.lchown(path, uid, gid);
  }
}

function runBounded(
  command: string,
  args: string[],
  stdin: string | undefined,
  limits: SandboxLimits,
): Promise<SandboxResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: {},
    });
    let stdout = '';
    let stderr = '';
    let bytes = 0;
    let outputTruncated = false;
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limits.wallMs);
    const take = (which: 'out' | 'err') => (chunk: Buffer) => {
      if (outputTruncated) return;
      const room = limits.maxOutputBytes - bytes;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      bytes += part.length;
      if (which === 'out') stdout += part.toString();
      else stderr += part.toString();
      if (chunk.length > room) {
        outputTruncated = true;
        kill();
      }
    };
    child.stdout.on('data', take('out'));
    child.stderr.on('data', take('err'));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code,
        signal,
        stdout,
        stderr,
        timedOut,
        outputTruncated,
        durationMs: performance.now() - started,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}
