import type { Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateDir } from '#common';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export const AUDIT_SIGNING_KEY = Symbol('AUDIT_SIGNING_KEY');

/**
 * The key that signs retention checkpoints: AUDIT_SIGNING_KEY when set. The embedded mode
 * keeps a key of its own beside its database (readable by its owner only); a production
 * deployment without the setting has none (null): retention then removes nothing and says so.
 */
export const auditSigningKeyProvider: Provider = {
  provide: AUDIT_SIGNING_KEY,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): Buffer | null => {
    if (config.AUDIT_SIGNING_KEY) return Buffer.from(config.AUDIT_SIGNING_KEY, 'utf8');
    if (config.mode !== 'embedded') return null;
    const path = join(config.DATA_DIR, 'audit.key');
    if (!existsSync(path)) {
      createPrivateDir(config.DATA_DIR);
      writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    }
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
  },
};
