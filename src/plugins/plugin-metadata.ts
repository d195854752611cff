import {
  HOST_API_VERSION,
  PLUGIN_PERMISSIONS,
  PLUGIN_TYPES,
  type PluginDefinition,
} from '../plugin-contract/plugin-contract';
import { PluginRefused } from './plugin-errors';
import { isSemver, isSemverRange, satisfies } from './host-version';

export const PLUGIN_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks what a module exported before anything of it runs; the refusal names the field.
 * Only the shape the host reads is checked: each extension checks the parts it applies.
 */
export function validatePluginDefinition(value: unknown): PluginDefinition {
  if (!isObject(value))
    throw new PluginRefused('the module exports no plugin (a default or `plugin` export)');
  const metadata = value.metadata;
  if (!isObject(metadata)) throw new PluginRefused('metadata is missing');
  const { name, version, type, hostApi, description, permissions } = metadata;
  if (typeof name !== 'string' || !PLUGIN_NAME_PATTERN.test(name))
    throw new PluginRefused(
      'metadata.name must be 1 to 64 lower-case letters, digits, - and _, starting with a letter or digit',
    );
  if (typeof version !== 'string' || !isSemver(version))
    throw new PluginRefused(`metadata.version of ${name} must be a semver version such as 1.0.0`);
  if (typeof type !== 'string' || !(PLUGIN_TYPES as readonly string[]).includes(type))
    throw new PluginRefused(`metadata.type of ${name} must be one of ${PLUGIN_TYPES.join(', ')}`);
  if (typeof hostApi !== 'string' || !isSemverRange(hostApi))
    throw new PluginRefused(`metadata.hostApi of ${name} must be a semver range such as ^1.0.0`);
  if (description !== undefined && typeof description !== 'string')
    throw new PluginRefused(`metadata.description of ${name} must be text`);
  if (permissions !== undefined) {
    if (!Array.isArray(permissions))
      throw new PluginRefused(`metadata.permissions of ${name} must be a list`);
    const unknown = permissions.filter(
      (p) => typeof p !== 'string' || !(PLUGIN_PERMISSIONS as readonly string[]).includes(p),
    );
    if (unknown.length)
      throw new PluginRefused(
        `metadata.permissions of ${name} has unknown permission(s) ${unknown.map(String).join(', ')}; known: ${PLUGIN_PERMISSIONS.join(', ')}`,
      );
  }
  for (const hook of ['load', 'unload', 'health'] as const)
    if (value[hook] !== undefined && typeof value[hook] !== 'function')
      throw new PluginRefused(`${hook} of ${name} must be a function`);
  if (value.settingsSchema !== undefined && !isObject(value.settingsSchema))
    throw new PluginRefused(`settingsSchema of ${name} must be a JSON Schema object`);
  return value as unknown as PluginDefinition;
}

/** Why the host cannot run a plugin needing `range`; undefined when it can. */
export function hostApiMismatch(range: string, hostVersion = HOST_API_VERSION): string | undefined {
  if (satisfies(hostVersion, range)) return undefined;
  return `needs host API ${range}, this host offers ${hostVersion}`;
}
