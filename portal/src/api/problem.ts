/** An RFC 9457 problem+json body as the API answers errors. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

/** A refused API call: the problem's detail as the message, the whole body kept. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problemMessage(status, problem));
    this.name = 'ProblemError';
  }

  /** Whether the problem's type ends in this slug (`mfa-locked`, `quota-exceeded`, ...). */
  is(slug: string): boolean {
    return new RegExp(`(^|[/#:])${slug}$`).test(this.problem.type ?? '');
  }
}

function problemMessage(status: number, problem: Problem): string {
  const text = problem.detail || problem.title || `HTTP ${status}`;
  const fields = problem.errors?.length
    ? ` (${problem.errors.map((e) => `${e.field} ${e.message}`).join('; ')})`
    : '';
  return text + fields;
}

/** Any thrown value as a ProblemError (a network failure becomes status 0). */
export function asProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProblemError(0, { title: 'The API could not be reached', detail: message });
}

/** A parsed JSON body as a problem, or a bare one with the status. */
export function toProblem(status: number, body: unknown): ProblemError {
  const problem = body && typeof body === 'object' ? (body as Problem) : {};
  return new ProblemError(status, problem);
}
