/* Agent Village dashboard: plain browser JavaScript, no dependencies, no CDN. */
(function () {
  'use strict';

  var PANELS = ['stats', 'tenant', 'goals', 'agents', 'metrics', 'logs'];
  var QF = window.avQuotaFormat;
  var AV = window.avAuditView;
  var WV = window.avWorkersView;
  var LEVELS = { debug: 0, info: 1, warn: 2, error: 3 };
  var MAX_LOG = 500;
  var state = {
    config: null,
    selectedGoal: null,
    goals: { active: [], recent: [] },
    lastEventId: null,
    ws: null,
    wsAttempt: 0,
    pending: {},
    nextId: 1,
    refreshTimer: null,
    refreshSoon: null,
    tenantSoon: null,
    signedIn: false,
    /** Whether this user may see the worker registry (platform administrators); null: not asked yet. */
    workersAllowed: null,
  };

  function $(id) {
    return document.getElementById(id);
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs)
      Object.keys(attrs).forEach(function (k) {
        node.setAttribute(k, attrs[k]);
      });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function apiBase() {
    return (state.config && state.config.api_url ? state.config.api_url : '').replace(/\/$/, '');
  }
  function wsUrl() {
    if (state.config && state.config.ws_url) return state.config.ws_url;
    var base = apiBase();
    if (base) return base.replace(/^http/, 'ws') + '/ws';
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }
  function fmtNum(n) {
    if (n === null || n === undefined) return '–';
    if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';
    return String(n);
  }
  function fmtDuration(s) {
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  }

  function api(path, options) {
    options = options || {};
    var init = { method: options.method || 'GET', headers: { accept: 'application/json' } };
    if (options.body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    init.credentials = 'include';
    return fetch(apiBase() + path, init).then(function (res) {
      if (res.status === 401) {
        showLogin();
        throw new Error('sign-in required');
      }
      return res.text().then(function (text) {
        var body = text ? JSON.parse(text) : null;
        if (!res.ok) {
          var detail = body && (body.detail || body.title);
          var fields =
            body && body.errors
              ? ' (' +
                body.errors
                  .map(function (e) {
                    return e.field + ' ' + e.message;
                  })
                  .join('; ') +
                ')'
              : '';
          var err = new Error((detail || 'HTTP ' + res.status) + fields);
          err.status = res.status;
          err.problemType = (body && body.type) || '';
          throw err;
        }
        return body;
      });
    });
  }

  /* ---------- theme ---------- */
  function applyTheme(theme) {
    document.documentElement.setAttribute('data-theme', theme === 'light' ? 'light' : 'dark');
    $('theme-toggle').textContent = theme === 'light' ? 'Dark theme' : 'Light theme';
  }
  $('theme-toggle').addEventListener('click', function () {
    var next = document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem('av-theme', next);
    } catch (e) {
      /* private mode */
    }
    applyTheme(next);
  });

  /* ---------- config & settings ---------- */
  function applyConfig(config) {
    state.config = config;
    document.title = config.title;
    $('title').textContent = config.title;
    var saved = null;
    try {
      saved = localStorage.getItem('av-theme');
    } catch (e) {
      saved = null;
    }
    applyTheme(saved || config.theme);
    PANELS.forEach(function (p) {
      var panel = document.querySelector('[data-panel="' + p + '"]');
      if (panel) panel.hidden = config.panels.indexOf(p) < 0;
    });
    scheduleRefresh();
  }

  function openSettings() {
    var c = state.config;
    $('set-refresh').value = c.refresh_ms;
    $('set-api').value = c.api_url;
    $('set-ws').value = c.ws_url;
    $('set-theme').value = document.documentElement.getAttribute('data-theme');
    var box = $('set-panels');
    Array.prototype.slice.call(box.querySelectorAll('label')).forEach(function (n) {
      box.removeChild(n);
    });
    PANELS.forEach(function (p) {
      var label = el('label');
      var input = el('input', { type: 'checkbox', value: p });
      input.checked = c.panels.indexOf(p) >= 0;
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + p));
      box.appendChild(label);
    });
    $('settings-msg').textContent = '';
    $('settings').showModal();
  }
  $('settings-open').addEventListener('click', openSettings);
  $('settings-cancel').addEventListener('click', function () {
    $('settings').close();
  });
  $('settings-save').addEventListener('click', function () {
    var body = {
      refresh_ms: Number($('set-refresh').value),
      theme: $('set-theme').value,
      panels: Array.prototype.slice
        .call($('set-panels').querySelectorAll('input:checked'))
        .map(function (i) {
          return i.value;
        }),
    };
    if ($('set-api').value) body.api_url = $('set-api').value;
    if ($('set-ws').value) body.ws_url = $('set-ws').value;
    api('/dashboard/settings', { method: 'POST', body: body })
      .then(function (config) {
        try {
          localStorage.setItem('av-theme', config.theme);
        } catch (e) {
          /* ignore */
        }
        var wsChanged = wsUrl() !== (config.ws_url || wsUrl());
        applyConfig(config);
        $('settings-msg').textContent = 'Saved.';
        if (wsChanged && state.ws) state.ws.close(1000, 'ws url changed');
        refreshAll();
      })
      .catch(function (err) {
        $('settings-msg').textContent = 'Not saved: ' + err.message;
      });
  });

  /* ---------- stats ---------- */
  function renderStats(s) {
    $('stat-goals').textContent = fmtNum(s.goals.total);
    $('stat-goals-sub').textContent = s.goals.completed + ' done · ' + s.goals.failed + ' failed';
    $('stat-active').textContent = fmtNum(s.goals.active);
    $('stat-agents').textContent = fmtNum(s.agents.total);
    $('stat-agents-sub').textContent = s.agents.active + ' busy';
    $('stat-workers').textContent = fmtNum(s.workers.active);
    $('stat-success').textContent =
      s.success_rate === null ? '–' : Math.round(s.success_rate * 100) + '%';
    $('stat-tokens').textContent = fmtNum(s.total_tokens);
    $('stat-uptime').textContent = fmtDuration(s.uptime_s);
  }

  /* ---------- tenant: tier, status, quotas, rate limits ---------- */
  var TENANT_STATUS_CLASS = {
    ACTIVE: 's-completed',
    PENDING: 's-pending',
    SUSPENDED: 's-failed',
    DELETED: 's-cancelled',
  };
  function quotaRow(q) {
    var level = QF.quotaLevel(q);
    var labelId = 'quota-label-' + q.resource;
    var li = el('li', {
      class: 'quota quota-' + level,
      'data-testid': 'quota-row',
      'data-resource': q.resource,
      'data-level': level,
    });
    var head = el('div', { class: 'quota-head' });
    head.appendChild(el('span', { id: labelId, class: 'quota-label' }, QF.quotaLabel(q.resource)));
    head.appendChild(
      el(
        'span',
        { class: 'quota-usage', 'data-testid': 'quota-usage', 'data-used': String(q.used) },
        QF.usageText(q),
      ),
    );
    li.appendChild(head);
    if (level === 'none') {
      // No limit: an empty track, nothing to fill; the text says "unlimited".
      li.appendChild(el('div', { class: 'quota-nolimit', 'aria-hidden': 'true' }));
    } else {
      // A meter: its colour turns at 80 % (low) and 95 % (high); optimum is an empty quota.
      var meter = el('meter', {
        class: 'quota-meter',
        'data-testid': 'quota-meter',
        'aria-labelledby': labelId,
        min: '0',
        max: '100',
        low: String(QF.WARN_PERCENT),
        high: '95',
        optimum: '0',
        value: String(q.percent),
        title: q.percent + '% used',
      });
      meter.textContent = q.percent + '%';
      li.appendChild(meter);
    }
    var reset = QF.resetText(q.resets_at);
    var foot = [];
    if (q.remaining !== null && q.remaining !== undefined)
      foot.push(QF.groupDigits(q.remaining) + ' left');
    if (reset) foot.push(reset);
    if (foot.length)
      li.appendChild(
        el('div', { class: 'muted small', 'data-testid': 'quota-reset' }, foot.join(' · ')),
      );
    return li;
  }
  function renderTenant(tenant, stats) {
    $('tenant-name').textContent = tenant.name;
    var tier = $('tenant-tier');
    tier.textContent = stats.tier || tenant.tier;
    tier.className = 'badge tier tier-' + String(stats.tier || tenant.tier).toLowerCase();
    var status = stats.status || tenant.status;
    var st = $('tenant-status');
    st.textContent = String(status).toLowerCase();
    st.className = 'badge ' + (TENANT_STATUS_CLASS[status] || '');
    $('tenant-status-reason').textContent = tenant.status_reason || '';
    var list = $('tenant-quotas');
    clear(list);
    stats.quotas.forEach(function (q) {
      list.appendChild(quotaRow(q));
    });
    var body = $('tenant-limits');
    clear(body);
    if (!stats.rate_limits.length) {
      var empty = el('tr');
      empty.appendChild(el('td', { colspan: '3', class: 'muted' }, 'no per-tenant rate limits'));
      body.appendChild(empty);
    }
    stats.rate_limits.forEach(function (r) {
      var tr = el('tr', { 'data-testid': 'rate-limit-row', 'data-rule': r.rule });
      tr.appendChild(el('td', { title: r.path }, r.rule));
      tr.appendChild(el('td', null, QF.rateLimitText(r)));
      tr.appendChild(el('td', null, r.strategy.toLowerCase().replace(/_/g, ' ')));
      body.appendChild(tr);
    });
    $('tenant-msg').textContent = '';
  }
  function tenantShown() {
    return !$('panel-tenant').hidden;
  }
  /**
   * The tenant's usage. Its two calls count against the API-calls quota, so it refreshes on
   * the refresh tick, on (re)connecting and when a goal starts or ends, never on every event.
   */
  function refreshTenant() {
    if (!tenantShown()) return Promise.resolve();
    return Promise.all([api('/api/v1/tenants/me'), api('/api/v1/tenants/me/stats')])
      .then(function (r) {
        renderTenant(r[0], r[1]);
      })
      .catch(function (err) {
        if (err.message === 'sign-in required') return;
        $('tenant-msg').textContent = 'Tenant usage could not be loaded: ' + err.message;
      });
  }
  function refreshTenantSoon() {
    if (state.tenantSoon) return;
    state.tenantSoon = setTimeout(function () {
      state.tenantSoon = null;
      refreshTenant();
    }, 500);
  }

  /* ---------- goals ---------- */
  function goalItem(g) {
    var li = el('li', {
      'data-goal-id': g.id,
      'data-status': g.status,
      'data-testid': 'goal-item',
    });
    if (g.id === state.selectedGoal) li.className = 'selected';
    li.appendChild(
      el('span', { class: 'badge s-' + g.status, 'data-testid': 'goal-status' }, g.status),
    );
    li.appendChild(el('span', { class: 't', title: g.title }, g.title));
    li.appendChild(el('span', { class: 'muted small' }, g.tasks.length + ' tasks'));
    li.addEventListener('click', function () {
      selectGoal(g.id);
    });
    return li;
  }
  function renderGoalList(node, goals) {
    clear(node);
    if (!goals.length) node.appendChild(el('li', { class: 'empty' }, 'none'));
    goals.forEach(function (g) {
      node.appendChild(goalItem(g));
    });
  }
  function renderGoals(data) {
    state.goals = data;
    renderGoalList($('goals-active'), data.active);
    renderGoalList($('goals-recent'), data.recent);
    renderDetail();
  }
  function findGoal(id) {
    return state.goals.active.concat(state.goals.recent).filter(function (g) {
      return g.id === id;
    })[0];
  }
  function selectGoal(id) {
    state.selectedGoal = id;
    renderGoals(state.goals);
  }
  function summarize(output) {
    if (!output) return '';
    var text = output.summary || output.result || output.text || output.answer;
    if (typeof text !== 'string') text = JSON.stringify(output);
    return text.length > 200 ? text.slice(0, 197) + '...' : text;
  }
  function renderDetail() {
    var g = state.selectedGoal ? findGoal(state.selectedGoal) : null;
    var box = $('goal-detail');
    if (!g) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.setAttribute('data-goal-id', g.id);
    box.setAttribute('data-status', g.status);
    $('goal-detail-title').textContent = g.title;
    var meta =
      g.status +
      ' · ' +
      g.state +
      (g.complexity ? ' · ' + g.complexity : '') +
      (g.pattern ? ' · ' + g.pattern : '') +
      ' · ' +
      fmtNum(g.total_tokens) +
      ' tokens' +
      (g.duration_ms !== null ? ' · ' + g.duration_ms + ' ms' : '');
    $('goal-detail-meta').textContent = meta;
    var body = $('goal-tasks');
    clear(body);
    g.tasks.forEach(function (t) {
      var tr = el('tr', { 'data-task-key': t.key, 'data-testid': 'task-row' });
      tr.appendChild(el('td', null, t.key + ' · ' + t.title));
      var st = el('td');
      st.appendChild(el('span', { class: 'badge s-' + t.status }, t.status));
      tr.appendChild(st);
      tr.appendChild(
        el(
          'td',
          { 'data-testid': 'task-agent' },
          t.agent_id ? t.agent_kind + ' · ' + t.agent_id : '–',
        ),
      );
      tr.appendChild(el('td', null, t.attempts));
      tr.appendChild(
        el(
          'td',
          { class: 'out', title: summarize(t.output) || t.error || '' },
          summarize(t.output) || t.error || '',
        ),
      );
      body.appendChild(tr);
    });
    var result = g.result
      ? g.result.summary || JSON.stringify(g.result, null, 2)
      : g.failure_reasons.length
        ? g.failure_reasons.join('\n')
        : '';
    $('goal-result').textContent =
      typeof result === 'string' ? result : JSON.stringify(result, null, 2);
    drawGraph(g.tasks);
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      n.setAttribute(k, attrs[k]);
    });
    return n;
  }
  /** Layered layout: a task's column is one more than its deepest dependency. */
  function drawGraph(tasks) {
    var root = $('task-graph');
    clear(root);
    if (!tasks.length) return;
    var byKey = {};
    tasks.forEach(function (t) {
      byKey[t.key] = t;
    });
    var depth = {};
    function d(key, seen) {
      if (depth[key] !== undefined) return depth[key];
      if (seen[key]) return 0;
      seen[key] = true;
      var t = byKey[key];
      var deps = t
        ? t.depends_on.filter(function (k) {
            return byKey[k];
          })
        : [];
      depth[key] = deps.length
        ? 1 +
          Math.max.apply(
            null,
            deps.map(function (k) {
              return d(k, seen);
            }),
          )
        : 0;
      return depth[key];
    }
    tasks.forEach(function (t) {
      d(t.key, {});
    });
    var cols = {};
    tasks.forEach(function (t) {
      (cols[depth[t.key]] = cols[depth[t.key]] || []).push(t);
    });
    var ncol = Math.max.apply(null, Object.keys(cols).map(Number)) + 1;
    var nrow = Math.max.apply(
      null,
      Object.keys(cols).map(function (c) {
        return cols[c].length;
      }),
    );
    var W = 150,
      H = 34,
      GX = 50,
      GY = 10;
    var width = ncol * (W + GX),
      height = Math.max(60, nrow * (H + GY) + GY);
    root.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    root.style.height = Math.min(320, height) + 'px';
    var pos = {};
    Object.keys(cols).forEach(function (c) {
      cols[c].forEach(function (t, i) {
        var offset = (height - cols[c].length * (H + GY) + GY) / 2;
        pos[t.key] = { x: Number(c) * (W + GX) + 4, y: offset + i * (H + GY) };
      });
    });
    tasks.forEach(function (t) {
      t.depends_on.forEach(function (k) {
        if (!pos[k]) return;
        var a = pos[k],
          b = pos[t.key];
        root.appendChild(
          svg('path', {
            class: 'edge',
            d:
              'M' +
              (a.x + W) +
              ',' +
              (a.y + H / 2) +
              ' C' +
              (a.x + W + GX / 2) +
              ',' +
              (a.y + H / 2) +
              ' ' +
              (b.x - GX / 2) +
              ',' +
              (b.y + H / 2) +
              ' ' +
              b.x +
              ',' +
              (b.y + H / 2),
          }),
        );
      });
    });
    var colors = getComputedStyle(document.documentElement);
    tasks.forEach(function (t) {
      var p = pos[t.key];
      var g = svg('g', { 'data-task-key': t.key });
      var color =
        { completed: '--ok', failed: '--err', running: '--run', pending: '--warn' }[t.status] ||
        '--muted';
      g.appendChild(
        svg('rect', {
          x: p.x,
          y: p.y,
          width: W,
          height: H,
          rx: 6,
          stroke: colors.getPropertyValue(color).trim(),
        }),
      );
      var label = svg('text', { x: p.x + 8, y: p.y + 14 });
      label.textContent = (t.key + ' ' + t.title).slice(0, 24);
      var sub = svg('text', { x: p.x + 8, y: p.y + 28 });
      sub.textContent = t.status + (t.agent_kind ? ' · ' + t.agent_kind : '');
      g.appendChild(label);
      g.appendChild(sub);
      root.appendChild(g);
    });
  }

  $('goal-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = $('goal-input').value.trim();
    if (!text) return;
    var payload = { goal: text };
    if ($('goal-pattern').value) payload.pattern = $('goal-pattern').value;
    $('goal-form-msg').textContent = 'submitting…';
    var done = function (res) {
      $('goal-form-msg').textContent = 'accepted ' + res.goal_id.slice(0, 8);
      $('goal-input').value = '';
      state.selectedGoal = res.goal_id;
      refreshGoals();
      refreshTenantSoon(); // goals today went up by one
    };
    var fail = function (err) {
      $('goal-form-msg').textContent = 'rejected: ' + err.message;
    };
    if (state.ws && state.ws.readyState === WebSocket.OPEN)
      request('goal.submit', payload).then(done, fail);
    else api('/api/v1/goals', { method: 'POST', body: payload }).then(done, fail);
  });

  /* ---------- agents ---------- */
  function renderAgents(data) {
    var body = $('agents');
    clear(body);
    if (!data.items.length) {
      var tr = el('tr');
      var td = el('td', { colspan: '7', class: 'muted' }, 'no agents have run yet');
      tr.appendChild(td);
      body.appendChild(tr);
    }
    data.items.forEach(function (a) {
      var tr = el('tr', { 'data-agent-id': a.agent_id, 'data-testid': 'agent-row' });
      tr.appendChild(el('td', null, a.agent_id));
      tr.appendChild(el('td', null, a.agent_kind));
      var st = el('td');
      st.appendChild(el('span', { class: 'badge s-' + a.status }, a.status));
      tr.appendChild(st);
      tr.appendChild(el('td', null, a.tasks_total));
      tr.appendChild(el('td', null, a.tasks_completed));
      tr.appendChild(el('td', null, a.tasks_failed));
      tr.appendChild(el('td', null, a.score === null ? '–' : a.score.toFixed(2)));
      body.appendChild(tr);
    });
    $('agents-note').textContent =
      data.source === 'tasks' ? 'Derived from the tasks each agent ran.' : '';
  }

  /* ---------- workers (platform administrators) ---------- */
  function renderWorkers(data) {
    var body = $('workers');
    clear(body);
    $('panel-workers').hidden = false;
    if (!data.items.length) {
      var tr = el('tr');
      tr.appendChild(el('td', { colspan: '8', class: 'muted' }, 'no process is running jobs'));
      body.appendChild(tr);
    }
    data.items.forEach(function (w) {
      var tr = el('tr', { 'data-worker-id': w.id, 'data-testid': 'worker-row' });
      tr.appendChild(el('td', { title: w.host + ' pid ' + w.pid + ' v' + w.version }, w.id));
      tr.appendChild(el('td', null, w.role));
      var st = el('td');
      st.appendChild(
        el(
          'span',
          { class: 'badge ' + WV.statusClass(w.status), 'data-testid': 'worker-status' },
          w.status,
        ),
      );
      tr.appendChild(st);
      var load = el('td');
      var box = el('div', { class: 'worker-load' });
      var meter = el('meter', {
        class: 'quota-meter',
        'data-testid': 'worker-load',
        min: '0',
        max: '100',
        low: '80',
        high: '95',
        optimum: '0',
        value: String(WV.loadPercent(w.load)),
        title: WV.loadText(w.load) + ' goal jobs',
      });
      meter.textContent = WV.loadText(w.load);
      box.appendChild(meter);
      box.appendChild(el('span', { class: 'small' }, WV.loadText(w.load)));
      box.appendChild(
        el('span', { class: 'small', 'data-testid': 'worker-tasks' }, WV.taskLoadText(w.load)),
      );
      load.appendChild(box);
      tr.appendChild(load);
      tr.appendChild(el('td', { class: 'worker-caps' }, WV.capabilityText(w.capabilities)));
      tr.appendChild(
        el('td', { 'data-testid': 'worker-heartbeat' }, WV.ageText(w.heartbeat_age_ms) + ' ago'),
      );
      tr.appendChild(el('td', null, WV.jobCountText(w.jobs.done, w.jobs.tasks_done)));
      tr.appendChild(el('td', null, WV.jobCountText(w.jobs.failed, w.jobs.tasks_failed)));
      body.appendChild(tr);
    });
    $('workers-msg').textContent = '';
  }
  /** Shown to platform administrators only: anyone else gets 403 once and is not asked again. */
  function refreshWorkers() {
    if (state.workersAllowed === false) return Promise.resolve();
    return api('/api/v1/workers').then(
      function (data) {
        state.workersAllowed = true;
        renderWorkers(data);
      },
      function (err) {
        if (err.status === 403) {
          state.workersAllowed = false;
          $('panel-workers').hidden = true;
          return;
        }
        if (err.message === 'sign-in required') throw err;
        $('workers-msg').textContent = 'Workers unavailable: ' + err.message;
      },
    );
  }

  /* ---------- charts ---------- */
  function drawChart(canvas, points, options) {
    var ctx = canvas.getContext('2d');
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || canvas.width,
      h = canvas.clientHeight || canvas.height;
    canvas.width = w * ratio;
    canvas.height = h * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var css = getComputedStyle(document.documentElement);
    var fg = css.getPropertyValue('--muted').trim(),
      accent = css.getPropertyValue(options.color || '--accent').trim();
    var values = points.map(function (p) {
      return p.value;
    });
    var max = options.max !== undefined ? options.max : Math.max.apply(null, values.concat([1]));
    var pad = 24,
      left = 36;
    ctx.strokeStyle = fg;
    ctx.globalAlpha = 0.3;
    ctx.beginPath();
    ctx.moveTo(left, pad / 2);
    ctx.lineTo(left, h - pad);
    ctx.lineTo(w - 6, h - pad);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = fg;
    ctx.font = '10px system-ui';
    ctx.fillText(options.format ? options.format(max) : fmtNum(Math.round(max)), 2, pad / 2 + 8);
    ctx.fillText('0', 2, h - pad);
    if (points.length) {
      ctx.fillText(points[0].t.slice(11, 16), left, h - 8);
      ctx.fillText(points[points.length - 1].t.slice(11, 16), w - 36, h - 8);
    }
    if (!points.length) return;
    var step = (w - left - 8) / Math.max(1, points.length - 1);
    ctx.strokeStyle = accent;
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach(function (p, i) {
      var x = left + i * step,
        y = h - pad - (max ? (p.value / max) * (h - pad * 1.5) : 0);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
  function renderMetrics(m, goalsWidget) {
    state.lastMetrics = [m, goalsWidget];
    drawChart($('chart-success'), m.series.success_rate, {
      max: 1,
      color: '--ok',
      format: function () {
        return '100%';
      },
    });
    drawChart($('chart-duration'), m.series.duration_ms, { color: '--run' });
    drawChart($('chart-tokens'), m.series.tokens, { color: '--accent' });
    drawChart($('chart-completed'), goalsWidget.series.completed, { color: '--ok' });
    var v = m.values;
    $('metrics-summary').textContent =
      'success rate ' +
      (v.success_rate === null ? '–' : Math.round(v.success_rate * 100) + '%') +
      ' · average duration ' +
      (v.avg_duration_ms === null ? '–' : v.avg_duration_ms + ' ms') +
      ' · tokens ' +
      fmtNum(v.total_tokens) +
      ' · uptime ' +
      fmtDuration(v.uptime_s);
  }

  /* ---------- log stream ---------- */
  function levelOf(type) {
    if (/failed$|^safety\./.test(type)) return 'error';
    if (/retrying|replanning|cancelled|approval\.required/.test(type)) return 'warn';
    if (/^tool\.|progress$/.test(type)) return 'debug';
    return 'info';
  }
  function describe(event, data) {
    switch (event) {
      case 'goal.status':
        return (data.from || '∅') + ' → ' + data.to;
      case 'agent.assigned':
        return data.task_key + ' → ' + data.agent_kind + ' ' + data.agent_id;
      case 'task.started':
      case 'task.completed':
        return data.task_key + ' attempt ' + data.attempt;
      case 'task.failed':
      case 'task.retrying':
        return data.task_key + ': ' + data.error;
      case 'task.progress':
        return data.task_key + ': ' + data.message;
      case 'goal.completed':
        return data.summary
          ? String(data.summary).slice(0, 160)
          : 'done in ' + data.duration_ms + ' ms';
      case 'goal.failed':
        return (data.reasons || []).join('; ');
      case 'goal.intent':
        return data.complexity + ' · risk ' + data.risk + ' · ' + data.provider;
      case 'critic.verdict':
        return (data.passed ? 'passed' : 'rejected') + ' · score ' + data.score;
      case 'goal.created':
        return data.title;
      case 'plan.created':
        return 'plan v' + data.plan_version + ': ' + data.tasks.length + ' tasks';
      default:
        return JSON.stringify(data).slice(0, 160);
    }
  }
  function log(level, text, attrs) {
    var list = $('log');
    var li = el('li', Object.assign({ class: 'l-' + level, 'data-level': level }, attrs || {}));
    li.appendChild(el('span', { class: 'lv' }, level.toUpperCase()));
    li.appendChild(
      document.createTextNode(' ' + new Date().toISOString().slice(11, 19) + ' ' + text),
    );
    li.hidden = LEVELS[level] < LEVELS[$('log-level').value];
    list.appendChild(li);
    while (list.children.length > MAX_LOG) list.removeChild(list.firstChild);
    if ($('log-autoscroll').checked) list.scrollTop = list.scrollHeight;
  }
  $('log-level').addEventListener('change', function () {
    var min = LEVELS[$('log-level').value];
    Array.prototype.slice.call($('log').children).forEach(function (li) {
      li.hidden = LEVELS[li.getAttribute('data-level')] < min;
    });
  });
  $('log-clear').addEventListener('click', function () {
    clear($('log'));
  });

  /* ---------- WebSocket ---------- */
  function setConn(cls, text) {
    var c = $('conn');
    c.className = 'conn ' + cls;
    c.textContent = text;
  }
  function request(event, data) {
    return new Promise(function (resolve, reject) {
      var id = 'r' + state.nextId++;
      state.pending[id] = { resolve: resolve, reject: reject };
      state.ws.send(JSON.stringify({ event: event, data: data, id: id }));
      setTimeout(function () {
        if (state.pending[id]) {
          delete state.pending[id];
          reject(new Error('no answer from the server'));
        }
      }, 15000);
    });
  }
  function connect() {
    if (!state.signedIn) return;
    setConn('conn-wait', 'connecting');
    var ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      return reconnectLater();
    }
    state.ws = ws;
    ws.onopen = function () {
      state.wsAttempt = 0;
      setConn('conn-up', 'live');
      var sub = { scope: 'tenant' };
      if (state.lastEventId !== null) sub.last_event_id = state.lastEventId;
      ws.send(JSON.stringify({ event: 'subscribe', data: sub, id: 'sub' }));
      refreshAll();
    };
    ws.onmessage = function (msg) {
      var env;
      try {
        env = JSON.parse(msg.data);
      } catch (e) {
        return;
      }
      if (env.event === 'ack' || env.event === 'error') {
        var p = state.pending[env.id];
        if (p) {
          delete state.pending[env.id];
          if (env.event === 'ack') p.resolve(env.data);
          else p.reject(new Error(env.data.detail || env.data.title));
        } else if (env.event === 'error')
          log('error', 'server: ' + (env.data.detail || env.data.title));
        return;
      }
      if (env.event === 'connected') {
        log(
          'debug',
          'connected as ' +
            env.data.principal.kind +
            ' (tenant ' +
            env.data.tenant_id.slice(0, 8) +
            ')',
        );
        return;
      }
      if (typeof env.id === 'number') state.lastEventId = Math.max(state.lastEventId || 0, env.id);
      var data = env.data || {};
      log(
        levelOf(env.event),
        '[' +
          String(data.goal_id || '').slice(0, 8) +
          '] ' +
          env.event +
          ' ' +
          describe(env.event, data),
        { 'data-event': env.event, 'data-goal-id': data.goal_id || '' },
      );
      refreshSoon();
      if (/^goal\.(created|completed|failed|cancelled)$/.test(env.event)) refreshTenantSoon();
    };
    ws.onclose = function (ev) {
      // A socket this page already replaced (signed out, then in again) has nothing to say.
      if (state.ws !== ws) return;
      state.ws = null;
      Object.keys(state.pending).forEach(function (id) {
        state.pending[id].reject(new Error('connection closed'));
        delete state.pending[id];
      });
      if (ev.code === 4401) {
        showLogin();
        return;
      }
      if (!state.signedIn) return;
      setConn('conn-down', 'offline');
      if (ev.code !== 1000 || ev.reason === 'ws url changed')
        log(
          ev.code === 1000 ? 'info' : 'warn',
          'websocket closed (' + ev.code + (ev.reason ? ': ' + ev.reason : '') + '); reconnecting',
        );
      reconnectLater();
    };
  }
  function reconnectLater() {
    var delay = Math.min(10000, 500 * Math.pow(2, state.wsAttempt++)) * (0.8 + Math.random() * 0.4);
    setTimeout(connect, delay);
  }

  /* ---------- refresh ---------- */
  function refreshGoals() {
    return api('/dashboard/goals?limit=20').then(renderGoals);
  }
  /** Every panel; `live` (a burst of events) leaves out the tenant's usage. */
  function refreshAll(options) {
    var tasks = [
      api('/dashboard/stats').then(renderStats),
      refreshGoals(),
      api('/dashboard/agents?limit=50').then(renderAgents),
      Promise.all([api('/dashboard/widgets/metrics'), api('/dashboard/widgets/goals')]).then(
        function (r) {
          renderMetrics(r[0], r[1]);
        },
      ),
    ];
    if (!options || !options.live) tasks.push(refreshTenant(), refreshWorkers());
    return Promise.all(tasks).catch(function (err) {
      log('error', 'refresh failed: ' + err.message);
    });
  }
  /** Live events trigger a refresh, at most every 250 ms. */
  function refreshSoon() {
    if (state.refreshSoon) return;
    state.refreshSoon = setTimeout(function () {
      state.refreshSoon = null;
      refreshAll({ live: true });
    }, 250);
  }
  function scheduleRefresh() {
    if (state.refreshTimer) clearInterval(state.refreshTimer);
    state.refreshTimer = setInterval(function () {
      refreshAll();
    }, state.config.refresh_ms);
  }
  window.addEventListener('resize', function () {
    if (state.lastMetrics) renderMetrics(state.lastMetrics[0], state.lastMetrics[1]);
  });

  /** For operators in the browser console (and tests): the live socket. */
  window.avDashboard = {
    socket: function () {
      return state.ws;
    },
  };

  /* ---------- sign-in ---------- */
  /**
   * Sign-in: the session cookie (HttpOnly) then authenticates REST calls and the WebSocket.
   * A user with a second factor first gets a challenge; its token lives in this variable
   * only (never in storage) until the code is verified or the user goes back.
   */
  var mfaChallenge = null;
  var MFA_LABELS = {
    totp: 'Authenticator app',
    sms: 'Code by SMS',
    email: 'Code by email',
    backup_code: 'Backup code',
  };

  /** A failed auth call: the problem's detail as the message, its type and body kept. */
  function problemError(res, body, fallback) {
    var err = new Error((body && (body.detail || body.title)) || fallback);
    err.status = res.status;
    err.problemType = (body && body.type) || '';
    err.problem = body || {};
    return err;
  }
  function isProblem(err, slug) {
    return new RegExp('(^|[/#:])' + slug + '$').test(err.problemType || '');
  }
  function authPost(path, body, fallback) {
    return fetch(apiBase() + path, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.text().then(function (text) {
        var parsed = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch (e) {
          parsed = null;
        }
        if (!res.ok) throw problemError(res, parsed, fallback);
        return parsed || {};
      });
    });
  }

  function showLogin() {
    if ($('login').hidden) loadSsoOptions();
    state.signedIn = false;
    if (state.refreshTimer) clearInterval(state.refreshTimer);
    state.refreshTimer = null;
    $('sessions-open').hidden = true;
    if ($('sessions').open) $('sessions').close();
    $('audit-open').hidden = true;
    if ($('audit').open) $('audit').close();
    $('panel-workers').hidden = true;
    state.workersAllowed = null;
    $('login').hidden = false;
    setConn('conn-down', 'signed out');
  }
  function showPasswordStep(message) {
    mfaChallenge = null;
    $('mfa-form').hidden = true;
    $('mfa-code').value = '';
    $('mfa-error').textContent = '';
    $('mfa-status').textContent = '';
    $('login-form').hidden = false;
    $('login-error').textContent = message || '';
    $('login-password').focus();
  }
  function showMfaStep(challenge) {
    mfaChallenge = challenge.challenge_token;
    var select = $('mfa-method');
    clear(select);
    challenge.methods.forEach(function (m) {
      select.appendChild(el('option', { value: m }, MFA_LABELS[m] || m));
    });
    select.value = challenge.methods.indexOf('totp') >= 0 ? 'totp' : challenge.methods[0];
    $('mfa-trust').checked = false;
    $('mfa-code').value = '';
    $('mfa-error').textContent = '';
    $('mfa-status').textContent = '';
    onMfaMethodChange();
    $('login-form').hidden = true;
    $('mfa-form').hidden = false;
    $('mfa-code').focus();
  }
  function onMfaMethodChange() {
    var method = $('mfa-method').value;
    $('mfa-send').hidden = method !== 'sms' && method !== 'email';
    $('mfa-code').setAttribute('inputmode', method === 'backup_code' ? 'text' : 'numeric');
    $('mfa-code').setAttribute('placeholder', method === 'backup_code' ? 'XXXX-XXXX' : '123456');
  }
  var ENROLLMENT_REQUIRED =
    'This organization requires a second factor. Set one up with the API ' +
    '(/api/v1/mfa), then sign in again.';
  /** Signed in (with or without a second step): on to the dashboard, as before. */
  function signedIn(result) {
    $('login-password').value = '';
    if (result.mfa_enrollment_required) {
      showPasswordStep(ENROLLMENT_REQUIRED);
      return;
    }
    mfaChallenge = null;
    $('mfa-form').hidden = true;
    $('login-form').hidden = false;
    $('login').hidden = true;
    start();
  }

  /**
   * Single sign-on: the organization's identity providers (the Organization field, else the
   * default tenant), one link each. The link starts the sign-in at the provider, which comes
   * back to `/` with the session cookie set; `start()` then finds the browser signed in.
   */
  var sso = { ticket: 0, timer: null };
  function loginTenant() {
    return $('login-tenant').value.trim();
  }
  function ssoHref(loginUrl) {
    var url;
    try {
      url = new URL(loginUrl, location.href);
    } catch (e) {
      return null;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin + url.pathname + '?redirect_to=/';
  }
  function renderSsoOptions(items) {
    var list = $('sso-list');
    clear(list);
    items.forEach(function (p) {
      var href = ssoHref(p.login_url);
      if (!href) return;
      var li = el('li');
      li.appendChild(
        el(
          'a',
          {
            class: 'sso-link',
            href: href,
            'data-testid': 'sso-link',
            'data-provider-id': p.id,
            'data-protocol': p.protocol,
          },
          'Sign in with ' + p.name,
        ),
      );
      list.appendChild(li);
    });
    $('sso-options').hidden = !list.firstChild;
  }
  function loadSsoOptions() {
    var ticket = ++sso.ticket;
    var tenant = loginTenant();
    fetch(
      apiBase() +
        '/api/v1/sso/sign-in-options' +
        (tenant ? '?tenant=' + encodeURIComponent(tenant) : ''),
      { headers: { accept: 'application/json' } },
    )
      .then(function (res) {
        return res.ok ? res.json() : { items: [] };
      })
      .catch(function () {
        return { items: [] };
      })
      .then(function (data) {
        if (ticket === sso.ticket) renderSsoOptions((data && data.items) || []);
      });
  }
  $('login-tenant').addEventListener('input', function () {
    if (sso.timer) clearTimeout(sso.timer);
    sso.timer = setTimeout(function () {
      sso.timer = null;
      loadSsoOptions();
    }, 300);
  });
  (function () {
    var tenant = new URLSearchParams(location.search).get('tenant');
    if (tenant) $('login-tenant').value = tenant.slice(0, 100);
  })();

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var error = $('login-error');
    error.textContent = '';
    var credentials = { email: $('login-email').value, password: $('login-password').value };
    if (loginTenant()) credentials.tenant = loginTenant();
    authPost('/api/v1/auth/login', credentials, 'sign-in failed')
      .then(function (result) {
        if (result.status === 'mfa_required') {
          $('login-password').value = '';
          showMfaStep(result);
          return;
        }
        signedIn(result);
      })
      .catch(function (err) {
        error.textContent = err.message;
      });
  });
  $('mfa-method').addEventListener('change', function () {
    $('mfa-error').textContent = '';
    $('mfa-status').textContent = '';
    onMfaMethodChange();
  });
  $('mfa-send').addEventListener('click', function () {
    if (!mfaChallenge) return showPasswordStep('Sign in again.');
    var method = $('mfa-method').value;
    $('mfa-error').textContent = '';
    $('mfa-status').textContent = 'sending…';
    authPost(
      '/api/v1/auth/mfa/send',
      { challenge_token: mfaChallenge, method: method },
      'the code was not sent',
    )
      .then(function (sent) {
        if (sent.delivery_status === 'sent') {
          $('mfa-status').textContent =
            'Code sent by ' + (method === 'sms' ? 'SMS' : 'email') + '.';
        } else {
          $('mfa-status').textContent = '';
          $('mfa-error').textContent = 'The code could not be delivered; try another method.';
        }
      })
      .catch(function (err) {
        $('mfa-status').textContent = '';
        if (isProblem(err, 'mfa-challenge-invalid')) return showPasswordStep(err.message);
        $('mfa-error').textContent = err.message;
      });
  });
  $('mfa-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!mfaChallenge) return showPasswordStep('Sign in again.');
    $('mfa-error').textContent = '';
    $('mfa-status').textContent = '';
    var body = {
      challenge_token: mfaChallenge,
      method: $('mfa-method').value,
      code: $('mfa-code').value.trim(),
    };
    if ($('mfa-trust').checked) body.trust_device = true;
    authPost('/api/v1/auth/mfa/verify', body, 'verification failed')
      .then(signedIn)
      .catch(function (err) {
        if (isProblem(err, 'mfa-locked') || isProblem(err, 'mfa-challenge-invalid'))
          return showPasswordStep(err.message);
        var left = err.problem.attempts_left;
        $('mfa-error').textContent =
          err.message + (typeof left === 'number' ? ' ' + left + ' attempts left.' : '');
        $('mfa-code').value = '';
        $('mfa-code').focus();
      });
  });
  $('mfa-back').addEventListener('click', function () {
    showPasswordStep('');
  });

  /* ---------- sessions ---------- */
  var LIVE_SESSION = { active: true, locked: true };
  function describeDevice(d) {
    d = d || {};
    var browser = [d.browser, d.browser_version && String(d.browser_version).split('.')[0]]
      .filter(Boolean)
      .join(' ');
    var os = [d.os, d.os_version].filter(Boolean).join(' ');
    return [browser, os, d.device_type].filter(Boolean).join(' · ') || 'unknown device';
  }
  function describePlace(geo) {
    if (!geo) return '–';
    return [geo.city, geo.country].filter(Boolean).join(', ') || '–';
  }
  function fmtWhen(iso) {
    var t = new Date(iso);
    return isNaN(t.getTime()) ? '–' : t.toLocaleString();
  }
  function sessionRow(s) {
    var tr = el('tr', {
      'data-testid': 'session-row',
      'data-session-id': s.id,
      'data-status': s.status,
      'data-current': s.current ? 'true' : 'false',
    });
    var device = el('td');
    device.appendChild(el('span', null, describeDevice(s.device)));
    device.appendChild(el('span', { class: 'muted small' }, ' ' + s.type));
    if (s.current) {
      device.appendChild(document.createTextNode(' '));
      device.appendChild(
        el('span', { class: 'badge s-current', 'data-testid': 'session-current' }, 'this session'),
      );
    }
    tr.appendChild(device);
    tr.appendChild(el('td', null, s.ip || '–'));
    tr.appendChild(el('td', null, describePlace(s.geo)));
    tr.appendChild(el('td', { title: s.last_seen_at }, fmtWhen(s.last_seen_at)));
    var st = el('td');
    st.appendChild(el('span', { class: 'badge s-session-' + s.status }, s.status));
    if (s.mfa_verified) st.appendChild(el('span', { class: 'muted small' }, ' 2FA'));
    tr.appendChild(st);
    var action = el('td');
    var end = el(
      'button',
      { type: 'button', 'data-testid': 'session-end' },
      s.current ? 'End (sign out)' : 'End',
    );
    end.addEventListener('click', function () {
      endSession(s, end);
    });
    action.appendChild(end);
    tr.appendChild(action);
    return tr;
  }
  function renderSessions(data) {
    var body = $('sessions-list');
    clear(body);
    var live = data.items.filter(function (s) {
      return LIVE_SESSION[s.status];
    });
    live.forEach(function (s) {
      body.appendChild(sessionRow(s));
    });
    if (!live.length) {
      var tr = el('tr');
      tr.appendChild(el('td', { colspan: '6', class: 'muted' }, 'no open sessions'));
      body.appendChild(tr);
    }
    var ended = data.items.length - live.length;
    $('sessions-note').textContent = ended
      ? ended + ' ended or expired session' + (ended === 1 ? '' : 's') + ' not shown.'
      : '';
  }
  function refreshSessions() {
    $('sessions-msg').textContent = '';
    return api('/api/v1/sessions')
      .then(renderSessions)
      .catch(function (err) {
        $('sessions-msg').textContent = 'Sessions could not be loaded: ' + err.message;
      });
  }
  function endSession(s, button) {
    button.disabled = true;
    $('sessions-msg').textContent = '';
    api('/api/v1/sessions/' + encodeURIComponent(s.id), { method: 'DELETE' })
      .then(function () {
        if (s.current) return signedOut();
        return refreshSessions();
      })
      .catch(function (err) {
        button.disabled = false;
        $('sessions-msg').textContent = 'Not ended: ' + err.message;
      });
  }
  /** This browser's session ended: drop the live socket and go back to the sign-in. */
  function signedOut() {
    showLogin();
    showPasswordStep('');
    if (state.ws) state.ws.close(1000, 'signed out');
  }
  $('sessions-open').addEventListener('click', function () {
    clear($('sessions-list'));
    $('sessions-note').textContent = '';
    $('sessions').showModal();
    refreshSessions();
  });
  $('sessions-refresh').addEventListener('click', refreshSessions);
  $('sessions-close').addEventListener('click', function () {
    $('sessions').close();
  });

  /* ---------- audit log: search, details, chain verification, export ---------- */
  var audit = { offset: 0, items: [], total: 0, selected: null, loading: 0 };
  var AUDIT_OUTCOME_CLASS = { SUCCESS: 's-completed', FAILURE: 's-failed', PENDING: 's-pending' };
  var AUDIT_SEVERITY_CLASS = {
    DEBUG: 's-cancelled',
    INFO: '',
    WARNING: 's-pending',
    ERROR: 's-failed',
    CRITICAL: 's-failed',
  };
  function fillChecks(box, name, values) {
    values.forEach(function (v) {
      var label = el('label');
      label.appendChild(el('input', { type: 'checkbox', name: name, value: v }));
      label.appendChild(document.createTextNode(' ' + v.toLowerCase().replace(/_/g, ' ')));
      box.appendChild(label);
    });
  }
  fillChecks($('audit-categories'), 'categories', AV.CATEGORIES);
  fillChecks($('audit-severities'), 'severities', AV.SEVERITIES);
  fillChecks($('audit-outcomes'), 'outcomes', AV.OUTCOMES);
  function checkedIn(box) {
    return Array.prototype.slice.call(box.querySelectorAll('input:checked')).map(function (i) {
      return i.value;
    });
  }
  /** The filter form as AV.buildQuery takes it, at the current page. */
  function auditFilters() {
    return {
      start: $('audit-start').value,
      end: $('audit-end').value,
      actor_id: $('audit-actor').value,
      ip: $('audit-ip').value,
      resource_type: $('audit-resource-type').value,
      resource_id: $('audit-resource-id').value,
      search: $('audit-search').value,
      categories: checkedIn($('audit-categories')),
      severities: checkedIn($('audit-severities')),
      outcomes: checkedIn($('audit-outcomes')),
      sort: $('audit-sort').value,
      limit: Number($('audit-limit').value) || AV.DEFAULT_LIMIT,
      offset: audit.offset,
    };
  }
  /** A refusal (403) says which permission is missing; anything else as it came. */
  function auditError(err, permission, what) {
    if (err.status === 403)
      return (
        'You need the ' +
        permission +
        ' permission to ' +
        what +
        '. Ask a tenant administrator for a role that has it.'
      );
    return err.message;
  }
  function auditBadge(text, cls) {
    var td = el('td');
    td.appendChild(el('span', { class: 'badge ' + (cls || '') }, text.toLowerCase()));
    return td;
  }
  function auditRow(e) {
    var tr = el('tr', {
      class: 'audit-row' + (audit.selected === e.id ? ' selected' : ''),
      tabindex: '0',
      'data-testid': 'audit-row',
      'data-id': e.id,
      'data-category': e.category,
      'data-outcome': e.outcome,
      'data-severity': e.severity,
    });
    tr.appendChild(el('td', { title: e.timestamp }, fmtWhen(e.timestamp)));
    tr.appendChild(el('td', { 'data-testid': 'audit-category' }, e.category));
    tr.appendChild(el('td', { class: 'audit-type' }, e.event_type));
    tr.appendChild(auditBadge(e.outcome, AUDIT_OUTCOME_CLASS[e.outcome]));
    tr.appendChild(auditBadge(e.severity, AUDIT_SEVERITY_CLASS[e.severity]));
    var actor = AV.actorText(e.actor);
    var resource = AV.resourceText(e.resource);
    tr.appendChild(el('td', { class: 'out', title: actor }, actor));
    tr.appendChild(el('td', { class: 'out', title: resource }, resource));
    tr.addEventListener('click', function () {
      selectAuditEntry(e);
    });
    tr.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        selectAuditEntry(e);
      }
    });
    return tr;
  }
  function renderAudit(data) {
    audit.items = data.items;
    audit.total = data.total;
    audit.offset = data.offset;
    var body = $('audit-list');
    clear(body);
    data.items.forEach(function (e) {
      body.appendChild(auditRow(e));
    });
    if (!data.items.length) {
      var tr = el('tr');
      tr.appendChild(el('td', { colspan: '7', class: 'muted' }, 'no matching entries'));
      body.appendChild(tr);
    }
    $('audit-page').textContent = AV.pageText(data.offset, data.items.length, data.total);
    $('audit-prev').disabled = !AV.hasPrev(data.offset);
    $('audit-next').disabled = !AV.hasNext(data.offset, data.items.length, data.total);
  }
  function loadAudit() {
    var ticket = ++audit.loading;
    $('audit-msg').textContent = '';
    return api('/api/v1/audit' + AV.buildQuery(auditFilters()))
      .then(function (data) {
        if (ticket === audit.loading) renderAudit(data);
      })
      .catch(function (err) {
        if (ticket !== audit.loading || err.message === 'sign-in required') return;
        renderAudit({ items: [], total: 0, offset: 0 });
        $('audit-page').textContent = '';
        $('audit-msg').textContent = auditError(err, 'audit:read', 'read the audit log');
      });
  }
  function facts(dl, rows) {
    clear(dl);
    rows.forEach(function (r) {
      dl.appendChild(el('dt', null, r[0]));
      dl.appendChild(el('dd', null, r[1]));
    });
  }
  function selectAuditEntry(e) {
    audit.selected = e.id;
    Array.prototype.slice.call($('audit-list').querySelectorAll('tr')).forEach(function (tr) {
      tr.classList.toggle('selected', tr.getAttribute('data-id') === e.id);
    });
    var box = $('audit-detail');
    box.hidden = false;
    box.setAttribute('data-id', e.id);
    $('audit-detail-heading').textContent = e.event_type;
    $('audit-detail-message').textContent = e.message || '';
    facts($('audit-detail-facts'), [
      ['Id', e.id],
      ['Time', e.timestamp],
      ['Position', String(e.seq)],
      ['Category', e.category],
      ['Outcome', e.outcome],
      ['Severity', e.severity],
      ['Actor', AV.actorText(e.actor)],
      ['Resource', AV.resourceText(e.resource)],
      ['Tags', (e.tags || []).join(', ') || '–'],
    ]);
    var changes = $('audit-detail-changes');
    clear(changes);
    var rows = AV.changeRows(e.changes);
    rows.forEach(function (r) {
      var tr = el('tr', { 'data-testid': 'audit-change' });
      r.forEach(function (cell) {
        tr.appendChild(el('td', null, cell));
      });
      changes.appendChild(tr);
    });
    if (!rows.length) {
      var none = el('tr');
      none.appendChild(el('td', { colspan: '3', class: 'muted' }, 'no changes recorded'));
      changes.appendChild(none);
    }
    var context = AV.contextRows(e.context);
    facts($('audit-detail-context'), context.length ? context : [['', 'none recorded']]);
    $('audit-detail-details').textContent =
      e.details && Object.keys(e.details).length ? JSON.stringify(e.details, null, 2) : '{}';
    $('audit-detail-hash').textContent = e.hash;
    $('audit-detail-prev-hash').textContent = e.prev_hash;
  }
  function verifyAudit() {
    var out = $('audit-verify-result');
    out.className = 'small';
    out.removeAttribute('data-valid');
    out.textContent = 'verifying…';
    $('audit-verify').disabled = true;
    api('/api/v1/audit/verify')
      .then(function (report) {
        out.textContent = AV.verifyText(report);
        out.className = 'small ' + (report.valid ? 's-completed' : 's-failed');
        out.setAttribute('data-valid', String(report.valid));
      })
      .catch(function (err) {
        out.className = 'small s-failed';
        out.textContent =
          'Not verified: ' + auditError(err, 'audit:read', 'verify the audit chain');
      })
      .then(function () {
        $('audit-verify').disabled = false;
      });
  }
  /**
   * Export with the current filters: fetched with the dashboard's own credentials (the
   * session cookie), then saved through a temporary `<a download>` on a Blob URL.
   */
  function exportAudit(format, button) {
    var query = AV.buildQuery(auditFilters(), { format: format }, { paging: false });
    button.disabled = true;
    $('audit-msg').textContent = '';
    fetch(apiBase() + '/api/v1/audit/export' + query, {
      credentials: 'include',
      headers: { accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
    })
      .then(function (res) {
        if (res.status === 401) {
          showLogin();
          throw new Error('sign-in required');
        }
        if (!res.ok)
          return res.text().then(function (text) {
            var body = null;
            try {
              body = text ? JSON.parse(text) : null;
            } catch (e) {
              body = null;
            }
            var err = new Error((body && (body.detail || body.title)) || 'HTTP ' + res.status);
            err.status = res.status;
            throw err;
          });
        var name = AV.fileNameOf(res.headers.get('content-disposition'), 'audit.' + format);
        return res.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = el('a', { href: url, download: name, hidden: '' });
          document.body.appendChild(a);
          a.click();
          document.body.removeChild(a);
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 10000);
        });
      })
      .catch(function (err) {
        if (err.message === 'sign-in required') return;
        $('audit-msg').textContent =
          'Not exported: ' + auditError(err, 'audit:export', 'export the audit log');
      })
      .then(function () {
        button.disabled = false;
      });
  }
  $('audit-open').addEventListener('click', function () {
    $('audit-verify-result').textContent = '';
    $('audit-detail').hidden = true;
    audit.selected = null;
    audit.offset = 0;
    $('audit').showModal();
    loadAudit();
  });
  $('audit-form').addEventListener('submit', function (e) {
    e.preventDefault();
    audit.offset = 0;
    loadAudit();
  });
  $('audit-form').addEventListener('reset', function () {
    // After the browser has cleared the fields.
    setTimeout(function () {
      audit.offset = 0;
      loadAudit();
    }, 0);
  });
  $('audit-prev').addEventListener('click', function () {
    audit.offset = AV.prevOffset(audit.offset, Number($('audit-limit').value));
    loadAudit();
  });
  $('audit-next').addEventListener('click', function () {
    audit.offset += audit.items.length;
    loadAudit();
  });
  $('audit-verify').addEventListener('click', verifyAudit);
  $('audit-export-jsonl').addEventListener('click', function () {
    exportAudit('jsonl', $('audit-export-jsonl'));
  });
  $('audit-export-csv').addEventListener('click', function () {
    exportAudit('csv', $('audit-export-csv'));
  });
  $('audit-close').addEventListener('click', function () {
    $('audit').close();
  });

  /**
   * Signed in or not, whichever way the session cookie was set (this page's form, or a
   * single sign-on that came back to it): the dashboard's configuration answers, or 401.
   */
  function start() {
    return api('/dashboard/config')
      .then(function (config) {
        state.signedIn = true;
        $('sessions-open').hidden = false;
        $('audit-open').hidden = false;
        applyConfig(config);
        refreshAll();
        if (!state.ws || state.ws.readyState > 1) connect();
      })
      .catch(function (err) {
        if (err.message === 'sign-in required') return;
        if (isProblem(err, 'mfa-enrollment-required')) {
          // A session that may only enroll a second factor (the organization requires one).
          showLogin();
          showPasswordStep(ENROLLMENT_REQUIRED);
          return;
        }
        setConn('conn-down', 'error');
        log('error', 'could not load the dashboard configuration: ' + err.message);
      });
  }
  start();
})();
