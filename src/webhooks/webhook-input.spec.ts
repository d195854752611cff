import { endpointInputErrors, type WebhookEndpointInput } from './webhook-input';

const input = (filters: Record<string, unknown> | null): WebhookEndpointInput => ({
  name: 'hook',
  description: null,
  url: 'https://hooks.example.com/in',
  events: ['goal.completed'],
  filters,
  standard_webhooks: false,
});

const fieldsOf = (filters: Record<string, unknown> | null) =>
  endpointInputErrors(input(filters), []).map((e) => e.field);

describe('webhook endpoint filters', () => {
  it('take strings, finite numbers, booleans, null and lists of them', () => {
    expect(fieldsOf({ status: 'completed', cost: 1.5, ok: true, reason: null })).toEqual([]);
    expect(fieldsOf({ status: ['completed', 'failed'], cost: [1, 2] })).toEqual([]);
  });

  it('refuse a number JSON cannot carry (1e400 parses as Infinity), naming the filter', () => {
    const parsed = JSON.parse('{"cost": 1e400, "spend": [-1e400], "ratio": 2}') as Record<
      string,
      unknown
    >;
    expect(fieldsOf(parsed)).toEqual(['filters.cost', 'filters.spend']);
    expect(fieldsOf({ cost: Number.NaN })).toEqual(['filters.cost']);
  });
});
