import * as format from './quota-format';

describe('the dashboard quota formatting', () => {
  const quota = (limit: number | null, used: number, percent: number | null): format.QuotaView => ({
    resource: 'goals_per_day',
    limit,
    used,
    percent,
  });

  it('names every quota resource as a person reads it', () => {
    expect(
      [
        'goals_per_day',
        'tokens_per_day',
        'agents',
        'workers',
        'storage_mb',
        'api_calls_per_minute',
      ].map(format.quotaLabel),
    ).toEqual([
      'Goals today',
      'Tokens today',
      'Agents running',
      'Workers in use',
      'Storage (MB)',
      'API calls this minute',
    ]);
    expect(format.quotaLabel('new_thing')).toBe('new thing');
  });

  it('shows used / limit, or used · unlimited without a limit', () => {
    expect(format.usageText(quota(10, 3, 30))).toBe('3 / 10');
    expect(format.usageText(quota(10_000_000, 1234567, 12.3))).toBe('1,234,567 / 10,000,000');
    expect(format.usageText(quota(null, 42, null))).toBe('42 · unlimited');
    expect(format.groupDigits(null)).toBe('–');
  });

  it('warns from 80 % and marks a used-up quota full', () => {
    expect(format.quotaLevel(quota(null, 5, null))).toBe('none');
    expect(format.quotaLevel(quota(10, 7, 70))).toBe('ok');
    expect(format.quotaLevel(quota(10, 8, 80))).toBe('warn');
    expect(format.quotaLevel(quota(10, 12, 100))).toBe('full');
    expect(format.quotaLevel(quota(0, 0, 100))).toBe('full');
  });

  it('says when a windowed quota resets, in UTC, and nothing for a running total', () => {
    expect(format.resetText('2026-03-02T00:00:00.000Z')).toBe('resets 00:00 UTC');
    expect(format.resetText('2026-03-01T14:07:00.000Z')).toBe('resets 14:07 UTC');
    expect(format.resetText(null)).toBe('');
    expect(format.resetText('not a date')).toBe('');
  });

  it('reads a rate limit as a count per window', () => {
    expect(format.rateLimitText({ limit: 10, window_s: 60 })).toBe('10 per minute');
    expect(format.rateLimitText({ limit: 5000, window_s: 3600 })).toBe('5,000 per hour');
    expect(format.windowText(90)).toBe('90 s');
  });
});
