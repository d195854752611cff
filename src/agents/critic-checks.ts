/**
 * Deterministic checks the critic applies before trusting a verdict: the output schema
 * (a non-empty text result with its tool-call record), acceptance criteria that name
 * required terms, and claims of tool work that the tool evidence does not support.
 */
export interface CheckedTask {
  key: string;
  status: string;
  acceptance_criteria: string | null;
  output: unknown;
}

export interface CriticIssue {
  task_key: string;
  check: 'output_schema' | 'acceptance_criteria' | 'hallucination';
  detail: string;
}

interface ToolCallRecord {
  tool: string;
  ok: boolean;
  result?: unknown;
}

const CLAIMS: Array<{ pattern: RegExp; tools: string[]; what: string }> = [
  {
    pattern: /\b(?:i|we)\s+(?:have\s+)?(?:read|opened|inspected)\s+(?:the\s+)?file/i,
    tools: ['read_file', 'file_info', 'search_files', 'list_directory'],
    what: 'reading a file',
  },
  {
    pattern:
      /\b(?:i|we)\s+(?:have\s+)?(?:wrote|written|saved|created)\s+(?:the\s+|a\s+)?(?:file|directory|folder)/i,
    tools: ['write_file', 'create_directory', 'copy_file', 'move_file'],
    what: 'writing a file',
  },
  {
    pattern: /\b(?:i|we)\s+(?:have\s+)?(?:fetched|downloaded|visited|browsed|requested)\b/i,
    tools: ['http_get', 'http_post', 'http_request', 'fetch_webpage'],
    what: 'fetching from the web',
  },
  {
    pattern:
      /\b(?:i|we)\s+(?:have\s+)?(?:ran|run|executed)\s+(?:the\s+)?(?:code|script|command|program)/i,
    tools: ['execute_python', 'run_command'],
    what: 'running code',
  },
];

export function checkTask(task: CheckedTask): CriticIssue[] {
  const issues: CriticIssue[] = [];
  if (task.status !== 'completed') {
    issues.push({ task_key: task.key, check: 'output_schema', detail: `task is ${task.status}` });
    return issues;
  }
  const output = task.output as { text?: unknown; tool_calls?: unknown } | null;
  if (
    !output ||
    typeof output !== 'object' ||
    typeof output.text !== 'string' ||
    !output.text.trim()
  ) {
    issues.push({
      task_key: task.key,
      check: 'output_schema',
      detail: 'the result has no text',
    });
    return issues;
  }
  if (output.tool_calls !== undefined && !Array.isArray(output.tool_calls))
    issues.push({ task_key: task.key, check: 'output_schema', detail: 'tool_calls is not a list' });
  const text = output.text;
  const calls = (Array.isArray(output.tool_calls) ? output.tool_calls : []) as ToolCallRecord[];
  for (const claim of CLAIMS) {
    if (!claim.pattern.test(text)) continue;
    if (!calls.some((c) => c.ok && claim.tools.includes(c.tool)))
      issues.push({
        task_key: task.key,
        check: 'hallucination',
        detail: `claims ${claim.what} but no successful ${claim.tools.join('/')} call supports it`,
      });
  }
  for (const term of requiredTerms(task.acceptance_criteria)) {
    if (!text.toLowerCase().includes(term.toLowerCase()))
      issues.push({
        task_key: task.key,
        check: 'acceptance_criteria',
        detail: `the result does not contain the required "${term}"`,
      });
  }
  return issues;
}

/** Terms the acceptance criteria quote as required: `must (mention|include|contain) "x"`. */
export function requiredTerms(criteria: string | null): string[] {
  if (!criteria) return [];
  const terms: string[] = [];
  const re =
    /\b(?:must|should)\s+(?:mention|include|contain|name|list)\s+["“']([^"”']{1,100})["”']/gi;
  for (let m = re.exec(criteria); m; m = re.exec(criteria)) terms.push(m[1]);
  return terms;
}

export interface CheckedVerdict {
  passed: boolean;
  score: number;
  feedback: string;
  issues: CriticIssue[];
}

/**
 * Combines the model's (or offline) verdict with the deterministic checks: any issue fails
 * the verdict, the score drops by the share of tasks with issues, and the feedback names
 * each issue so the replanner knows what to fix.
 */
export function applyChecks(
  verdict: { passed: boolean; score: number; feedback: string },
  tasks: readonly CheckedTask[],
): CheckedVerdict {
  const issues = tasks.flatMap(checkTask);
  if (!issues.length) return { ...verdict, issues };
  const bad = new Set(issues.map((i) => i.task_key)).size;
  const score = Math.max(0, Math.min(verdict.score, 1 - bad / Math.max(1, tasks.length)));
  const specific = issues.map((i) => `${i.task_key}: ${i.check}: ${i.detail}`).join('; ');
  return {
    passed: false,
    score: Math.round(score * 1000) / 1000,
    feedback: `${verdict.feedback ? `${verdict.feedback} ` : ''}Checks failed: ${specific}`,
    issues,
  };
}
