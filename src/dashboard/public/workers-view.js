/*
 * Agent Village dashboard: how the worker registry reads. Pure functions, plain browser
 * JavaScript; the page gets them as window.avWorkersView, the unit tests through require().
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.avWorkersView = api;
})(this, function () {
  'use strict';

  var STATUS_CLASSES = {
    IDLE: 's-worker-idle',
    BUSY: 's-busy',
    DRAINING: 's-draining',
    OFFLINE: 's-offline',
  };

  /** The badge class of a status (IDLE, BUSY, DRAINING, OFFLINE). */
  function statusClass(status) {
    return STATUS_CLASSES[status] || 's-offline';
  }

  /** "running/concurrency", e.g. "3/200". */
  function loadText(load) {
    return load.running + '/' + load.concurrency;
  }

  /** Task jobs (tasks of goals other workers drive): "tasks 2/20". */
  function taskLoadText(load) {
    return 'tasks ' + (load.tasks_running || 0) + '/' + (load.task_concurrency || 0);
  }

  /** Goal jobs, and task jobs after a "+" when there were any: "12", "12 + 40 tasks". */
  function jobCountText(goals, tasks) {
    return tasks ? goals + ' + ' + tasks + ' tasks' : String(goals);
  }

  /** The share of its slots a worker uses, 0..100. */
  function loadPercent(load) {
    if (!load.concurrency) return 0;
    return Math.min(100, Math.round((load.running / load.concurrency) * 100));
  }

  /** A heartbeat's age: "0.3 s", "12 s", "4 min", "2 h". */
  function ageText(ms) {
    if (ms < 10000) return (Math.round(ms / 100) / 10).toFixed(1) + ' s';
    if (ms < 120000) return Math.round(ms / 1000) + ' s';
    if (ms < 7200000) return Math.round(ms / 60000) + ' min';
    return Math.round(ms / 3600000) + ' h';
  }

  /** Declared capabilities first, then the probed ones (code, llm:…), as the API lists them. */
  function capabilityText(capabilities) {
    return capabilities.length ? capabilities.join(', ') : '–';
  }

  return {
    statusClass: statusClass,
    loadText: loadText,
    loadPercent: loadPercent,
    taskLoadText: taskLoadText,
    jobCountText: jobCountText,
    ageText: ageText,
    capabilityText: capabilityText,
  };
});
