import { z } from 'zod';
import type { JsonSchema } from '../plugin-contract/plugin-contract';
import { PluginRefused } from './plugin-errors';

/** `PLUGIN_<NAME>_SETTINGS`, the name upper-cased with `-` as `_`. */
export function pluginSettingsVariable(pluginName: string): string {
  return `PLUGIN_${pluginName.toUpperCase().replace(/-/g, '_')}_SETTINGS`;
}

/**
 * A plugin's settings: the JSON in its variable (none: `{}`), validated against its
 * `settingsSchema` when it has one. A refusal names the variable and the field.
 */
export function parsePluginSettings(
  pluginName: string,
  schema: JsonSchema | undefined,
  raw: string | undefined,
): Record<string, unknown> {
  const variable = pluginSettingsVariable(pluginName);
  let value: unknown = {};
  if (raw !== undefined && raw.trim() !== '') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new PluginRefused(`${variable} is not valid JSON`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PluginRefused(`${variable} must be a JSON object`);
  if (!schema) return value as Record<string, unknown>;
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema);
  } catch (error) {
    throw new PluginRefused(
      `settingsSchema of ${pluginName} is not a JSON Schema the host reads: ${(error as Error).message}`,
    );
  }
  const parsed = validator.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = [variable, ...issue.path.map(String)].join('.');
    throw new PluginRefused(`${field}: ${issue.message}`);
  }
  return parsed.data as Record<string, unknown>;
}
