import { z } from 'zod';
import { ProcessSandbox, SandboxResult } from '#sandbox';
import { Workspace } from '../files/workspace';
import type { Tool } from '../tool';

export interface CodeToolOptions {
  pythonPath: string;
  /** Upper bound for a call's own timeout_seconds. */
  maxWallMs: number;
}

function outcome(result: SandboxResult, wallMs: number) {
  if (result.timedOut)
    throw new Error(
      `killed: the program exceeded the wall-clock limit of ${Math.round(wallMs / 1000)} s` +
        (result.stdout ? ` (output so far: ${result.stdout.slice(-500)})` : ''),
    );
  return {
    exit_code: result.exitCode,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    output_truncated: result.outputTruncated,
    duration_ms: Math.round(result.durationMs),
  };
}

const timeout = z
  .number()
  .int()
  .min(1)
  .max(3600)
  .optional()
  .describe('wall-clock limit in seconds');

/** Code execution, only ever inside the bubblewrap sandbox (no network, workspace only). */
export function codeTools(sandbox: ProcessSandbox, options: CodeToolOptions): Tool[] {
  const wall = (seconds?: number) =>
    Math.min(options.maxWallMs, seconds ? seconds * 1000 : options.maxWallMs);

  const executePython: Tool<{ code: string; timeout_seconds?: number }> = {
    name: 'execute_python',
    description:
      'Run Python 3 code in an isolated sandbox (no network; the goal workspace is the working directory and the only writable place). Returns exit code, stdout and stderr.',
    parameters: z
      .object({ code: z.string().min(1).max(200_000), timeout_seconds: timeout })
      .strict(),
    permission: 'EXECUTE',
    risk: 'HIGH',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const wallMs = wall(args.timeout_seconds);
      const { root } = await Workspace.open(ctx.workspaceDir);
      const result = await sandbox.run({
        argv: [options.pythonPath, '-I', '-'],
        stdin: args.code,
        workspace: root,
        limits: { wallMs },
      });
      return outcome(result, wallMs);
    },
  };

  const runCommand: Tool<{ command: string; timeout_seconds?: number }> = {
    name: 'run_command',
    description:
      'Run a shell command (/bin/sh -c) in an isolated sandbox (no network; the goal workspace is the working directory and the only writable place).',
    parameters: z
      .object({ command: z.string().min(1).max(20_000), timeout_seconds: timeout })
      .strict(),
    permission: 'EXECUTE',
    risk: 'HIGH',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const wallMs = wall(args.timeout_seconds);
      const { root } = await Workspace.open(ctx.workspaceDir);
      const result = await sandbox.run({
        argv: ['/bin/sh', '-c', args.command],
        workspace: root,
        limits: { wallMs },
      });
      return outcome(result, wallMs);
    },
  };

  return [executePython, runCommand] as Tool[];
}
