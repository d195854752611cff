import type { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { type SealedBox, sealingBoxFrom } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export const SSO_SECRET_SEALER = Symbol('SSO_SECRET_SEALER');

/**
 * What seals identity providers' secrets (client secrets) at rest: a key derived from
 * SSO_ENCRYPTION_KEY; the embedded mode keeps a key file beside its database; production
 * without the setting cannot store a provider with a secret (503 sso-not-configured).
 */
export const ssoSecretSealerProvider: Provider = {
  provide: SSO_SECRET_SEALER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): SealedBox | null =>
    sealingBoxFrom({
      configured: config.SSO_ENCRYPTION_KEY,
      setting: 'SSO_ENCRYPTION_KEY',
      keyFile: config.mode === 'embedded' ? join(config.DATA_DIR, 'sso.key') : undefined,
      salt: 'agent-village/sso',
      label: 'sso/secret-sealing/v1',
    }),
};
