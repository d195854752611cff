/*
 * Agent Village dashboard: the audit page's pure helpers (the query string a filter form
 * makes, paging, how an entry reads). Plain browser JavaScript; the page gets them as
 * window.avAuditView, the unit tests through require().
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.avAuditView = api;
})(this, function () {
  'use strict';

  var CATEGORIES = [
    'AUTHENTICATION',
    'AUTHORIZATION',
    'DATA_ACCESS',
    'DATA_MUTATION',
    'SECURITY',
    'AGENT',
    'GOAL',
    'TENANT',
  ];
  var SEVERITIES = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
  var OUTCOMES = ['SUCCESS', 'FAILURE', 'PENDING'];
  /** The text filters, form field → query parameter (the same names). */
  var TEXT_FILTERS = ['actor_id', 'ip', 'resource_type', 'resource_id', 'search'];
  var LIST_FILTERS = ['categories', 'severities', 'outcomes'];
  var DEFAULT_LIMIT = 25;

  /** A `datetime-local` value (the browser's local time) as ISO 8601 UTC; '' or invalid → null. */
  function localToIso(value) {
    if (!value) return null;
    var t = new Date(value);
    return isNaN(t.getTime()) ? null : t.toISOString();
  }

  /**
   * The query string (with its `?`) for a filter object: `start`/`end` (datetime-local
   * values), the text filters, lists joined by commas, `sort`, `limit`, `offset`. Empty values
   * are left out; `extra` (e.g. `{ format: 'csv' }`) comes first. `paging: false` leaves out
   * limit and offset (an export takes every match).
   */
  function buildQuery(filters, extra, options) {
    filters = filters || {};
    var paging = !options || options.paging !== false;
    var parts = [];
    function add(name, value) {
      if (value === null || value === undefined) return;
      var text = String(value).trim();
      if (text) parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(text));
    }
    Object.keys(extra || {}).forEach(function (k) {
      add(k, extra[k]);
    });
    add('start_time', localToIso(filters.start));
    add('end_time', localToIso(filters.end));
    TEXT_FILTERS.forEach(function (k) {
      add(k, filters[k]);
    });
    LIST_FILTERS.forEach(function (k) {
      var list = (filters[k] || []).filter(Boolean);
      // .join(',') keeps the commas readable (the API splits on them).
      if (list.length) parts.push(k + '=' + list.map(encodeURIComponent).join(','));
    });
    if (filters.sort === 'asc' || filters.sort === 'desc') add('sort', filters.sort);
    if (paging) {
      add('limit', filters.limit || DEFAULT_LIMIT);
      add('offset', filters.offset || 0);
    }
    return parts.length ? '?' + parts.join('&') : '';
  }

  /** "1–25 of 80"; "0 of 0" when nothing matches. */
  function pageText(offset, count, total) {
    if (!count) return '0 of ' + (total || 0);
    return offset + 1 + '–' + (offset + count) + ' of ' + total;
  }
  function hasPrev(offset) {
    return offset > 0;
  }
  function hasNext(offset, count, total) {
    return offset + count < total;
  }
  function prevOffset(offset, limit) {
    return Math.max(0, offset - limit);
  }

  /** The actor: "user 1f2e…" with the address when known. */
  function actorText(actor) {
    if (!actor) return '–';
    var who = [actor.type, actor.id].filter(Boolean).join(' ') || '–';
    return actor.ip ? who + ' @ ' + actor.ip : who;
  }
  function resourceText(resource) {
    if (!resource || !resource.type) return '–';
    return resource.id ? resource.type + ' ' + resource.id : resource.type;
  }
  /** A changed value as it reads in a table cell: JSON for objects, '–' for nothing. */
  function valueText(value) {
    if (value === null || value === undefined) return '–';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  /** The entry's changes as [field, old, new] rows. */
  function changeRows(changes) {
    return (changes || []).map(function (c) {
      return [String(c.field), valueText(c.old), valueText(c.new)];
    });
  }
  /** The request the entry came from as [label, value] pairs, only those known. */
  function contextRows(context) {
    context = context || {};
    return [
      ['Request', context.request_id],
      ['Endpoint', context.endpoint],
      ['Method', context.method],
      [
        'Duration',
        context.duration_ms === null || context.duration_ms === undefined
          ? null
          : context.duration_ms + ' ms',
      ],
    ].filter(function (r) {
      return r[1] !== null && r[1] !== undefined && r[1] !== '';
    });
  }
  /** What `GET /api/v1/audit/verify` found, in a sentence. */
  function verifyText(report) {
    if (report.valid)
      return (
        'Chain intact: ' +
        report.entries +
        ' entr' +
        (report.entries === 1 ? 'y' : 'ies') +
        (report.starts_after ? ' after checkpoint ' + report.starts_after : '')
      );
    var b = report.first_broken || {};
    return (
      'Broken at entry ' +
      (b.id || '(checkpoint)') +
      ' (seq ' +
      b.seq +
      '): ' +
      String(b.reason || 'unknown').replace(/-/g, ' ')
    );
  }
  /** The file name a Content-Disposition header gives, or the fallback. */
  function fileNameOf(disposition, fallback) {
    var m = /filename="?([^";]+)"?/i.exec(disposition || '');
    return m ? m[1] : fallback;
  }

  return {
    CATEGORIES: CATEGORIES,
    SEVERITIES: SEVERITIES,
    OUTCOMES: OUTCOMES,
    DEFAULT_LIMIT: DEFAULT_LIMIT,
    localToIso: localToIso,
    buildQuery: buildQuery,
    pageText: pageText,
    hasPrev: hasPrev,
    hasNext: hasNext,
    prevOffset: prevOffset,
    actorText: actorText,
    resourceText: resourceText,
    valueText: valueText,
    changeRows: changeRows,
    contextRows: contextRows,
    verifyText: verifyText,
    fileNameOf: fileNameOf,
  };
});
