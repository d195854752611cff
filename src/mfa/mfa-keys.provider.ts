import type { Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateDir } from '#common';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MfaKeys, parseMfaMasterKey } from './kit/mfa-keys';

export const MFA_KEYS = Symbol('MFA_KEYS');

/**
 * The key that seals MFA secrets: MFA_ENCRYPTION_KEY when set. The embedded mode, meant to
 * run with no set-up, keeps a key of its own beside its database (readable by its owner
 * only); a production deployment without the setting has no MFA (null) and says so.
 */
export const mfaKeysProvider: Provider = {
  provide: MFA_KEYS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): MfaKeys | null => {
    if (config.MFA_ENCRYPTION_KEY) return new MfaKeys(parseMfaMasterKey(config.MFA_ENCRYPTION_KEY));
    if (config.mode !== 'embedded') return null;
    const path = join(config.DATA_DIR, 'mfa.key');
    if (!existsSync(path)) {
      createPrivateDir(config.DATA_DIR);
      writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    }
    return new MfaKeys(parseMfaMasterKey(readFileSync(path, 'utf8').trim()));
  },
};
