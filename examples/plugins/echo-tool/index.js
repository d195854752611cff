'use strict';

/**
 * An example TOOL plugin: plain CommonJS, no dependencies, nothing imported from the host.
 * Its one tool, lookup_word, answers from a fixed glossary, so the same word always gives
 * the same result.
 */

const GLOSSARY = {
  agent: 'A program that acts on a goal by calling a model and tools.',
  goal: 'What a user asks Agent Village to achieve, in plain language.',
  plugin: 'A module that adds tools, hooks, agents or providers to the host.',
  village: 'A place where many agents work together.',
};

let settings = { uppercase: false };

const lookupWord = {
  name: 'lookup_word',
  description: 'Look a word up in the village glossary and return its definition.',
  parameters: {
    type: 'object',
    properties: {
      word: { type: 'string', minLength: 1, maxLength: 100, description: 'The word to look up' },
    },
    required: ['word'],
    additionalProperties: false,
  },
  permission: 'READ_ONLY',
  risk: 'LOW',
  async run(args) {
    const word = String(args.word).trim().toLowerCase();
    const definition = GLOSSARY[word];
    return {
      word,
      found: definition !== undefined,
      definition:
        definition === undefined
          ? null
          : settings.uppercase
            ? definition.toUpperCase()
            : definition,
    };
  },
};

module.exports = {
  metadata: {
    name: 'echo-tool',
    version: '1.0.0',
    type: 'TOOL',
    description: 'Looks words up in a small glossary (an example TOOL plugin).',
    hostApi: '^1.0.0',
    permissions: ['tools:register'],
  },
  settingsSchema: {
    type: 'object',
    properties: { uppercase: { type: 'boolean' } },
    additionalProperties: false,
  },
  load(host) {
    settings = { uppercase: host.settings.uppercase === true };
    host.log.info(`glossary of ${Object.keys(GLOSSARY).length} words ready`);
  },
  unload() {
    settings = { uppercase: false };
  },
  health() {
    return { ok: true, detail: `${Object.keys(GLOSSARY).length} words` };
  },
  tools: [lookupWord],
};
