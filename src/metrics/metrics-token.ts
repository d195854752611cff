import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constantTimeEqual, createPrivateDir, randomToken } from '#common';
import type { AppConfig } from '../config/app-config';
import { logFor } from '../observability/logger';

const log = logFor('Metrics');
const resolved = new WeakMap<AppConfig, string>();

/**
 * The bearer token /metrics requires: METRICS_TOKEN, or one generated once per process.
 * A generated token is written to DATA_DIR/metrics-token (0600) in embedded mode, so a
 * local Prometheus can read it; in production it is shown nowhere, so every scrape is
 * refused until the operator sets METRICS_TOKEN for all replicas alike.
 */
export function metricsToken(config: AppConfig): string {
  const known = resolved.get(config);
  if (known) return known;
  let token = config.METRICS_TOKEN;
  if (!token) {
    token = randomToken(32);
    if (config.mode === 'embedded') {
      createPrivateDir(config.DATA_DIR);
      const file = join(config.DATA_DIR, 'metrics-token');
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      log.warn(
        `METRICS_TOKEN is not set: /metrics requires the bearer token generated for this process, stored in ${file} (mode 0600).`,
      );
    } else {
      log.warn('METRICS_TOKEN is not set: /metrics refuses every scrape until it is set.');
    }
  }
  resolved.set(config, token);
  return token;
}

/** Whether an Authorization header carries the token (`Bearer <token>`), in constant time. */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
  return constantTimeEqual(presented, token);
}

export const METRICS_AUTH_CHALLENGE = 'Bearer realm="metrics"';
