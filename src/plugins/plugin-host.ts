import {
  HOST_API_VERSION,
  type PluginDefinition,
  type PluginHost,
} from '../plugin-contract/plugin-contract';
import { logFor } from '../observability/logger';

/** The host API one plugin gets: its validated settings and a log that names it. */
export function hostFor(
  definition: PluginDefinition,
  settings: Record<string, unknown>,
): PluginHost {
  const log = logFor(`Plugin:${definition.metadata.name}`);
  const fields = { plugin: definition.metadata.name };
  return {
    apiVersion: HOST_API_VERSION,
    settings: Object.freeze({ ...settings }),
    log: {
      info: (message) => log.info(String(message), fields),
      warn: (message) => log.warn(String(message), fields),
      error: (message) => log.error(String(message), fields),
    },
  };
}
