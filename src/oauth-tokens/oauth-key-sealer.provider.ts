import type { Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSubKey, parseMasterKey, SealedBox } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export const OAUTH_KEY_SEALER = Symbol('OAUTH_KEY_SEALER');

/**
 * What seals the authorization server's private keys at rest: a key derived from
 * OAUTH_ENCRYPTION_KEY. The embedded mode keeps a master key of its own beside its database
 * (readable by its owner only); a production deployment without the setting has none
 * (null), and its OAuth server stays off and says so.
 */
export const oauthKeySealerProvider: Provider = {
  provide: OAUTH_KEY_SEALER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): SealedBox | null => {
    let master: Buffer;
    if (config.OAUTH_ENCRYPTION_KEY) {
      master = parseMasterKey(config.OAUTH_ENCRYPTION_KEY, 'OAUTH_ENCRYPTION_KEY');
    } else {
      if (config.mode !== 'embedded') return null;
      const path = join(config.DATA_DIR, 'oauth.key');
      if (!existsSync(path)) {
        mkdirSync(config.DATA_DIR, { recursive: true });
        writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      }
      master = parseMasterKey(readFileSync(path, 'utf8'), 'DATA_DIR/oauth.key');
    }
    return new SealedBox(deriveSubKey(master, 'agent-village/oauth', 'oauth/key-sealing/v1'));
  },
};
