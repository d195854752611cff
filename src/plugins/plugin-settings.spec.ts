import { parsePluginSettings, pluginSettingsVariable } from './plugin-settings';

const schema = {
  type: 'object',
  properties: {
    endpoint: { type: 'string', format: 'uri' },
    retries: { type: 'integer', minimum: 0, maximum: 5 },
  },
  required: ['endpoint'],
  additionalProperties: false,
};

describe('plugin settings', () => {
  it('reads them from PLUGIN_<NAME>_SETTINGS, the name upper-cased with - as _', () => {
    expect(pluginSettingsVariable('echo-tool')).toBe('PLUGIN_ECHO_TOOL_SETTINGS');
    expect(pluginSettingsVariable('my_db2')).toBe('PLUGIN_MY_DB2_SETTINGS');
  });

  it('returns settings that match the schema', () => {
    expect(
      parsePluginSettings('echo-tool', schema, '{"endpoint":"https://x.test","retries":2}'),
    ).toEqual({ endpoint: 'https://x.test', retries: 2 });
  });

  it('gives a plugin without a schema its JSON as is, and {} when unset', () => {
    expect(parsePluginSettings('p', undefined, '{"a":1}')).toEqual({ a: 1 });
    expect(parsePluginSettings('p', undefined, undefined)).toEqual({});
  });

  it('refuses settings that break the schema, naming the field', () => {
    expect(() =>
      parsePluginSettings('echo-tool', schema, '{"endpoint":"https://x.test","retries":9}'),
    ).toThrow(/^PLUGIN_ECHO_TOOL_SETTINGS\.retries: /);
    expect(() => parsePluginSettings('echo-tool', schema, undefined)).toThrow(
      /^PLUGIN_ECHO_TOOL_SETTINGS\.endpoint: /,
    );
  });

  it('refuses text that is not a JSON object', () => {
    expect(() => parsePluginSettings('echo-tool', schema, '{endpoint')).toThrow(
      'PLUGIN_ECHO_TOOL_SETTINGS is not valid JSON',
    );
    expect(() => parsePluginSettings('echo-tool', undefined, '[1]')).toThrow(
      'PLUGIN_ECHO_TOOL_SETTINGS must be a JSON object',
    );
  });

  it('refuses a schema zod cannot read', () => {
    expect(() => parsePluginSettings('echo-tool', { type: 'bogus' }, '{}')).toThrow(
      /settingsSchema of echo-tool is not a JSON Schema the host reads/,
    );
  });
});
