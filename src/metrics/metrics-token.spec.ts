import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { bearerTokenMatches, metricsToken } from './metrics-token';

const TOKEN = 'm'.repeat(40);

describe('metrics token', () => {
  it('accepts exactly `Bearer <token>`', () => {
    expect(bearerTokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${TOKEN.slice(1)}`, TOKEN)).toBe(false);
    expect(bearerTokenMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerTokenMatches(undefined, TOKEN)).toBe(false);
    expect(bearerTokenMatches('Bearer ', TOKEN)).toBe(false);
  });

  it('uses METRICS_TOKEN when set', () => {
    expect(metricsToken(loadConfig({ METRICS_TOKEN: TOKEN }))).toBe(TOKEN);
  });

  it('without METRICS_TOKEN, generates one per process; embedded mode stores it 0600', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'av-metrics-token-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const token = metricsToken(config);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(metricsToken(config)).toBe(token);
    const file = join(dataDir, 'metrics-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('in production mode shows a generated token nowhere', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'av-metrics-token-'));
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://x@127.0.0.1/db' });
    expect(metricsToken(config)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(existsSync(join(dataDir, 'metrics-token'))).toBe(false);
  });

  it('refuses a short METRICS_TOKEN at start', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be 32/);
  });
});
