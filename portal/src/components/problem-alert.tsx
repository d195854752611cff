import { asProblem } from '../api/problem';

/**
 * An API error as the user should read it: the problem+json detail, the invalid fields, and
 * for a refusal (403) the permission that is missing when the caller names it.
 */
export function ProblemAlert({
  error,
  permission,
  action,
  testId = 'problem',
}: {
  error: unknown;
  /** The permission the refused call needs, for a helpful 403 message. */
  permission?: string;
  /** What the user tried, e.g. "read the audit log". */
  action?: string;
  testId?: string;
}) {
  if (!error) return null;
  const problem = asProblem(error);
  const text =
    problem.status === 403 && permission
      ? `You need the ${permission} permission to ${action ?? 'do this'}. Ask a tenant administrator for a role that has it.`
      : problem.message;
  return (
    <div className="problem" role="alert" data-testid={testId} data-status={problem.status}>
      <strong>{problem.problem.title ?? 'Error'}</strong> {text}
    </div>
  );
}
