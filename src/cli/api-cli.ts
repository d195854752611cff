import { parseArgs } from 'node:util';
import { AgentVillage, ApiError, type Problem } from '#sdk';
import { cliClientSettings } from '../config/cli-client-settings';
import { CommandFailed, UsageError } from './cli-errors';
import type { CommandContext } from './command-context';
import { agentsCommand } from './commands/agents.command';
import { approvalsCommand } from './commands/approvals.command';
import { goalsCommand } from './commands/goals.command';
import { keysCommand } from './commands/keys.command';
import { memoryCommand } from './commands/memory.command';
import { consoleOutput } from './output';

export const API_USAGE = `Commands on a running server (through the SDK):

  goals submit "<goal>" [--wait] [--title <t>] [--priority 0-10] [--timeout <seconds>]
  goals wait <id>        follow a goal until it finishes
  goals list [--status <s>] [--limit <n>]
  goals show <id>        the goal and its tasks
  goals cancel <id>
  approvals list <goal id>
  approvals approve|reject <goal id> [--task <task id>] [--comment <why>]
  agents list
  memory search "<text>" [--limit <n>]
  keys list
  keys create --name <name> --scopes <a,b>   (the key is shown once)
  keys revoke <id>

  --url <url>          the server (AGENT_VILLAGE_URL, default http://localhost:3000)
  --api-key <key>      an API key (AGENT_VILLAGE_API_KEY)
  --json               JSON on stdout, for scripts

With --wait, progress is shown live (a spinner on a terminal, a line per change otherwise);
the exit code is 0 when the goal completes, 1 with the reason when it fails or is
cancelled, 2 for a command line that cannot run.`;

const COMMANDS = {
  goals: goalsCommand,
  approvals: approvalsCommand,
  agents: agentsCommand,
  memory: memoryCommand,
  keys: keysCommand,
} as const;

/** The options every server command takes, which may also come before the command. */
const CONNECTION_OPTIONS = new Set(['--url', '--api-key']);

/**
 * True when the command line names a command on the server (rather than on the database),
 * after any connection options written first (`--url <url> goals list`).
 */
export function isApiCommand(argv: readonly string[]): boolean {
  let i = 0;
  while (i < argv.length && argv[i].startsWith('--')) i += CONNECTION_OPTIONS.has(argv[i]) ? 2 : 1;
  return i < argv.length && Object.hasOwn(COMMANDS, argv[i]);
}

/** Runs one command; answers the exit code. */
export async function runApiCommand(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        json: { type: 'boolean' },
        wait: { type: 'boolean' },
        title: { type: 'string' },
        priority: { type: 'string' },
        limit: { type: 'string' },
        status: { type: 'string' },
        timeout: { type: 'string' },
        task: { type: 'string' },
        comment: { type: 'string' },
        name: { type: 'string' },
        scopes: { type: 'string' },
      },
    });
    const [noun, verb, ...args] = positionals;
    const settings = cliClientSettings();
    const apiKey = values['api-key'] ?? settings.apiKey;
    const context: CommandContext = {
      av: new AgentVillage({
        baseUrl: values.url ?? settings.url,
        auth: apiKey ? { apiKey } : undefined,
      }),
      out: consoleOutput(json),
      args,
      flags: values,
    };
    await COMMANDS[noun as keyof typeof COMMANDS](verb, context);
    return 0;
  } catch (error) {
    if (error instanceof CommandFailed) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof ApiError) {
      console.error(`${error.status} ${error.problem.title}: ${problemDetail(error.problem)}`);
      return 1;
    }
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`${(error as Error).message}\n\n${API_USAGE}`);
      return 2;
    }
    if (error instanceof TypeError && error.message === 'fetch failed') {
      console.error(`cannot reach the server: ${(error.cause as Error)?.message ?? error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The fields a refusal names, with what is wrong with each; else its detail. */
function problemDetail(problem: Problem): string {
  const errors = problem.errors ?? [];
  if (!errors.length) return problem.detail ?? '';
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}
