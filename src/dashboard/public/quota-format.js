/*
 * Agent Village dashboard: how a tenant's quotas and rate limits read. Pure functions, plain
 * browser JavaScript; the page gets them as window.avQuotaFormat, the unit tests through
 * require().
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.avQuotaFormat = api;
})(this, function () {
  'use strict';

  var LABELS = {
    goals_per_day: 'Goals today',
    tokens_per_day: 'Tokens today',
    agents: 'Agents running',
    workers: 'Workers in use',
    storage_mb: 'Storage (MB)',
    api_calls_per_minute: 'API calls this minute',
  };
  /** From this percent of its limit on, a quota shows as nearly used up. */
  var WARN_PERCENT = 80;

  function quotaLabel(resource) {
    return LABELS[resource] || String(resource).replace(/_/g, ' ');
  }
  /** 1234567 → "1,234,567", the same in every browser locale. */
  function groupDigits(n) {
    if (n === null || n === undefined || isNaN(n)) return '–';
    var parts = String(n).split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return parts.join('.');
  }
  /** "3 / 10", or "3 · unlimited" when the quota has no limit. */
  function usageText(q) {
    if (q.limit === null || q.limit === undefined) return groupDigits(q.used) + ' · unlimited';
    return groupDigits(q.used) + ' / ' + groupDigits(q.limit);
  }
  /** none (no limit), ok, warn (≥ 80 %) or full (100 %). */
  function quotaLevel(q) {
    if (q.limit === null || q.limit === undefined || q.percent === null) return 'none';
    if (q.percent >= 100) return 'full';
    if (q.percent >= WARN_PERCENT) return 'warn';
    return 'ok';
  }
  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }
  /** "resets 00:00 UTC" for a windowed quota; '' for a running total (resets_at null). */
  function resetText(resetsAt) {
    if (!resetsAt) return '';
    var t = new Date(resetsAt);
    if (isNaN(t.getTime())) return '';
    return 'resets ' + pad2(t.getUTCHours()) + ':' + pad2(t.getUTCMinutes()) + ' UTC';
  }
  var WINDOWS = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' };
  /** 60 → "minute", 3600 → "hour", 90 → "90 s". */
  function windowText(seconds) {
    return WINDOWS[seconds] || groupDigits(seconds) + ' s';
  }
  /** A rate limit as a person reads it: "10 per minute". */
  function rateLimitText(r) {
    return groupDigits(r.limit) + ' per ' + windowText(r.window_s);
  }

  return {
    LABELS: LABELS,
    WARN_PERCENT: WARN_PERCENT,
    quotaLabel: quotaLabel,
    groupDigits: groupDigits,
    usageText: usageText,
    quotaLevel: quotaLevel,
    resetText: resetText,
    windowText: windowText,
    rateLimitText: rateLimitText,
  };
});
