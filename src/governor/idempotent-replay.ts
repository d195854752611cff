import { DomainError, FieldError } from '#common';

/** What a submission asks for, as it is stored on the goal (after plugin hooks, title derived). */
export interface SubmittedGoal {
  goal: string;
  title: string;
  requested_pattern: string | null;
  priority: number;
  metadata: Record<string, unknown>;
}

/**
 * The fields in which a submission sent again with an Idempotency-Key differs from the goal
 * the key first created; empty for a true replay. Metadata is compared as JSON values, key
 * order aside (jsonb does not keep it). A title the caller did not send but derived from a
 * changed goal is not named: the goal is.
 */
export function replayDifferences(
  stored: SubmittedGoal,
  submitted: SubmittedGoal,
  titleGiven: boolean,
): string[] {
  const fields: Array<keyof SubmittedGoal> = [
    'goal',
    'title',
    'requested_pattern',
    'priority',
    'metadata',
  ];
  const differing = fields.filter((field) => !sameJson(stored[field], submitted[field]));
  return titleGiven || !differing.includes('goal')
    ? differing
    : differing.filter((field) => field !== 'title');
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
  );
}

/**
 * 422: the Idempotency-Key was first sent with another request, so answering the goal it
 * created would tell the caller that this different request was accepted.
 */
export class IdempotencyKeyReused extends DomainError {
  constructor(goalId: string, fields: string[]) {
    const errors: FieldError[] = fields.map((field) => ({
      field,
      message: 'differs from the submission first sent with this Idempotency-Key',
    }));
    super(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused',
      `This Idempotency-Key created goal ${goalId} from another request (${fields.join(', ')} differ); use a new key for a new goal.`,
      { errors, goal_id: goalId },
    );
  }
}
