'use strict';

/**
 * An example HOOK plugin: refuses goals whose text contains one of the words in its
 * settings (case-insensitive), and counts tool calls by tool, tagging each with its count.
 *
 * Settings (PLUGIN_AUDIT_HOOK_SETTINGS, JSON):
 *   { "refuse_words": ["confidential"], "reason": "..." }
 */

let settings = { refuse_words: [], reason: 'the goal mentions a refused word' };
const toolCalls = new Map();

function refusedWord(text) {
  const lower = String(text).toLowerCase();
  return settings.refuse_words.find((word) => lower.includes(String(word).toLowerCase()));
}

/** @type {import('../../../src/plugin-contract/plugin-contract').PluginDefinition} */
const plugin = {
  metadata: {
    name: 'audit-hook',
    version: '1.0.0',
    type: 'HOOK',
    description: 'Refuses goals with a configured word; counts tool calls',
    hostApi: '^1.0.0',
    permissions: ['hooks:register'],
  },
  settingsSchema: {
    type: 'object',
    properties: {
      refuse_words: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      reason: { type: 'string', default: 'the goal mentions a refused word' },
    },
    additionalProperties: false,
  },
  load(host) {
    settings = { ...settings, ...host.settings };
    host.log.info(`refusing goals with: ${settings.refuse_words.join(', ') || '(nothing)'}`);
  },
  unload() {
    toolCalls.clear();
  },
  health() {
    return {
      ok: true,
      detail: `${[...toolCalls.values()].reduce((a, b) => a + b, 0)} tool calls seen`,
    };
  },
  hooks: [
    {
      hook: 'goal.before_create',
      priority: 'HIGH',
      handle(context) {
        const word = refusedWord(context.payload.text);
        if (word) context.cancel(`${settings.reason} ("${word}")`);
      },
    },
    {
      hook: 'tool.after_call',
      priority: 'LOW',
      handle(context) {
        const tool = context.payload.tool;
        const count = (toolCalls.get(tool) || 0) + 1;
        toolCalls.set(tool, count);
        return { tag: 'audited', tool, count };
      },
    },
  ],
};

module.exports = plugin;
