import { configSchema, RawConfig } from './config.schema';

export const BUILTIN_LLM_PROVIDERS = ['offline', 'openai', 'ollama', 'anthropic'] as const;
export type LlmProviderName = (typeof BUILTIN_LLM_PROVIDERS)[number];

export interface AppConfig extends Omit<RawConfig, 'LLM_PROVIDER'> {
  mode: 'embedded' | 'production';
  /** A built-in provider or the id of a plugin's chat provider (checked once plugins load). */
  llmProvider: string;
  llmModel: string;
  /** PUBLIC_URL without a trailing slash, or http://localhost:PORT. */
  publicUrl: string;
  /** Each plugin's settings as given: `PLUGIN_<NAME>_SETTINGS` variables by name. */
  pluginSettings?: Readonly<Record<string, string>>;
}

const PLUGIN_SETTINGS_VARIABLE = /^PLUGIN_[A-Z0-9_]+_SETTINGS$/;

export class ConfigError extends Error {}

const DEFAULT_MODELS: Record<LlmProviderName, string> = {
  offline: 'heuristic',
  openai: 'gpt-4o-mini',
  ollama: 'llama3.1',
  anthropic: 'claude-sonnet-4-5',
};

export function isBuiltinLlmProvider(id: string): id is LlmProviderName {
  return (BUILTIN_LLM_PROVIDERS as readonly string[]).includes(id);
}

/** Validates the environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const cleaned = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const raw = parsed.data;
  const llmProvider: string =
    raw.LLM_PROVIDER ?? (raw.LLM_BASE_URL || raw.LLM_API_KEY ? 'openai' : 'offline');
  if (llmProvider === 'anthropic' && !raw.LLM_API_KEY) {
    throw new ConfigError(
      'Invalid configuration: LLM_API_KEY is required when LLM_PROVIDER=anthropic',
    );
  }
  if (llmProvider === 'openai' && !raw.LLM_API_KEY && !raw.LLM_BASE_URL) {
    throw new ConfigError(
      'Invalid configuration: LLM_API_KEY or LLM_BASE_URL is required when LLM_PROVIDER=openai',
    );
  }
  if (raw.WORKER_OFFLINE_AFTER_MS <= raw.WORKER_HEARTBEAT_MS) {
    throw new ConfigError(
      'Invalid configuration: WORKER_OFFLINE_AFTER_MS must be longer than WORKER_HEARTBEAT_MS',
    );
  }
  if (raw.WORKER_DISPATCH !== 'pull' && !raw.REDIS_URL) {
    throw new ConfigError(
      `Invalid configuration: WORKER_DISPATCH=${raw.WORKER_DISPATCH} places jobs on other workers' queues and needs REDIS_URL`,
    );
  }
  return {
    ...raw,
    mode: raw.DATABASE_URL ? 'production' : 'embedded',
    llmProvider,
    llmModel:
      raw.LLM_MODEL ?? (isBuiltinLlmProvider(llmProvider) ? DEFAULT_MODELS[llmProvider] : 'plugin'),
    publicUrl: (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, ''),
    pluginSettings: Object.fromEntries(
      Object.entries(env).filter(
        (e): e is [string, string] => PLUGIN_SETTINGS_VARIABLE.test(e[0]) && e[1] !== undefined,
      ),
    ),
  };
}

/** Loads `.env` when present (real environment wins), then validates. */
export function loadConfigFromProcess(): AppConfig {
  try {
    process.loadEnvFile?.('.env');
  } catch {
    // no .env file: the environment alone configures the process
  }
  return loadConfig(process.env);
}
