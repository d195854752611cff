import type { FieldError } from '#common';
import { isEventPattern } from './webhook-event-types';
import { webhookUrlProblem } from './webhook-url';

export const MAX_EVENT_PATTERNS = 100;
export const MAX_FILTER_FIELDS = 20;
export const MAX_FILTER_VALUES = 100;

/** What an administrator gives for an endpoint. */
export interface WebhookEndpointInput {
  name: string;
  description: string | null;
  url: string;
  events: string[];
  filters: Record<string, unknown> | null;
  standard_webhooks: boolean;
}

// JSON.parse reads 1e400 as Infinity, which would be stored as null: a filter on another value.
const isScalar = (v: unknown) =>
  v === null ||
  typeof v === 'string' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  typeof v === 'boolean';

/** Every problem of an endpoint's settings, by field. */
export function endpointInputErrors(
  input: WebhookEndpointInput,
  allowHosts: readonly string[],
): FieldError[] {
  const errors: FieldError[] = [];
  const urlProblem = webhookUrlProblem(input.url, allowHosts);
  if (urlProblem) errors.push({ field: 'url', message: `url ${urlProblem}` });
  if (input.events.length === 0)
    errors.push({ field: 'events', message: 'events must name at least one event type' });
  if (input.events.length > MAX_EVENT_PATTERNS)
    errors.push({ field: 'events', message: `events may hold at most ${MAX_EVENT_PATTERNS}` });
  for (const pattern of input.events)
    if (!isEventPattern(pattern))
      errors.push({
        field: 'events',
        message: `${JSON.stringify(pattern).slice(0, 80)} is not an event type, a category wildcard such as "goal.*", or "*" (see GET /api/v1/webhooks/event-types)`,
      });
  if (input.filters !== null) errors.push(...filterErrors(input.filters));
  return errors;
}

function filterErrors(filters: unknown): FieldError[] {
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters))
    return [{ field: 'filters', message: 'filters must be an object of field → value' }];
  const entries = Object.entries(filters);
  if (entries.length > MAX_FILTER_FIELDS)
    return [{ field: 'filters', message: `filters may name at most ${MAX_FILTER_FIELDS} fields` }];
  const errors: FieldError[] = [];
  for (const [key, value] of entries) {
    const ok =
      isScalar(value) ||
      (Array.isArray(value) && value.length <= MAX_FILTER_VALUES && value.every(isScalar));
    if (!ok || key.length === 0 || key.length > 100)
      errors.push({
        field: `filters.${key.slice(0, 100)}`,
        message:
          'a filter is a field name and a value (string, finite number, boolean, null) or a list of them',
      });
  }
  return errors;
}
