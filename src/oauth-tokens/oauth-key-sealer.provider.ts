import type { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { type SealedBox, sealingBoxFrom } from '#common';
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
  useFactory: (config: AppConfig): SealedBox | null =>
    sealingBoxFrom({
      configured: config.OAUTH_ENCRYPTION_KEY,
      setting: 'OAUTH_ENCRYPTION_KEY',
      keyFile: config.mode === 'embedded' ? join(config.DATA_DIR, 'oauth.key') : undefined,
      salt: 'agent-village/oauth',
      label: 'oauth/key-sealing/v1',
    }),
};
