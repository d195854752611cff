import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from './config.schema';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('starts in embedded, offline mode with nothing configured', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('embedded');
    expect(config.llmProvider).toBe('offline');
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('./data');
  });

  it('switches to production mode with DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(config.mode).toBe('production');
  });

  it('runs 200 goals at once in either mode unless JOB_CONCURRENCY says', () => {
    expect(loadConfig({}).JOB_CONCURRENCY).toBe(200);
    const postgres = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    expect(loadConfig(postgres).JOB_CONCURRENCY).toBe(200);
    expect(loadConfig({ ...postgres, JOB_CONCURRENCY: '7' }).JOB_CONCURRENCY).toBe(7);
    expect(loadConfig({ JOB_CONCURRENCY: '' }).JOB_CONCURRENCY).toBe(200);
    expect(() => loadConfig({ JOB_CONCURRENCY: '0' })).toThrow(
      /JOB_CONCURRENCY must be at least 1/,
    );
  });

  it('reads each outbound allow-list as lower-cased hosts', () => {
    const config = loadConfig({
      TOOLS_HTTP_ALLOW_HOSTS: ' Docs.Example.com , 127.0.0.1:4100,',
      WEBHOOK_ALLOW_HOSTS: 'Hooks.Example.com',
      MCP_ALLOW_HOSTS: '',
    });
    expect(config.TOOLS_HTTP_ALLOW_HOSTS).toEqual(['docs.example.com', '127.0.0.1:4100']);
    expect(config.WEBHOOK_ALLOW_HOSTS).toEqual(['hooks.example.com']);
    expect(config.MCP_ALLOW_HOSTS).toEqual([]);
  });

  it('names the bad variable in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      /^Invalid configuration: PORT must be a number$/,
    );
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(
      /REDIS_URL must use redis or rediss/,
    );
    expect(() => loadConfig({ LLM_PRICES: '{bad' })).toThrow(/LLM_PRICES/);
  });

  it('validates the WebSocket origins and the login throttle', () => {
    expect(loadConfig({}).WS_ALLOWED_ORIGINS).toEqual(['self']);
    expect(
      loadConfig({ WS_ALLOWED_ORIGINS: 'self, https://App.example.com/' }).WS_ALLOWED_ORIGINS,
    ).toEqual(['self', 'https://app.example.com']);
    for (const bad of ['*', 'https://app.example.com/path', 'ftp://x.example', ' , '])
      expect(() => loadConfig({ WS_ALLOWED_ORIGINS: bad })).toThrow(/WS_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ LOGIN_MAX_FAILURES_PER_IP: '-1' })).toThrow(
      /LOGIN_MAX_FAILURES_PER_IP must be at least 0/,
    );
    expect(() => loadConfig({ LOGIN_THROTTLE_WINDOW_MS: '10' })).toThrow(
      /LOGIN_THROTTLE_WINDOW_MS/,
    );
  });

  it('defaults to the openai-compatible client when a base URL is given', () => {
    expect(loadConfig({ LLM_BASE_URL: 'http://127.0.0.1:9999/v1' }).llmProvider).toBe('openai');
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
    for (const key of Object.keys(configSchema.shape)) {
      expect(example).toMatch(new RegExp(`^#?\\s*${key}=`, 'm'));
    }
  });
});
