import type { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { type SealedBox, sealingBoxFrom } from '#common';
import type { AppConfig } from './app-config';
import { APP_CONFIG } from './config.module';

/**
 * A provider of the sealing box for one kind of secret at rest: keyed by the setting when
 * it is set; the embedded mode, meant to run with no set-up, keeps a generated master key
 * in DATA_DIR/`keyFile` (readable by its owner only); production without the setting has
 * none (null) and the capability says so.
 */
export function sealingBoxProvider(
  token: symbol,
  use: {
    setting:
      | 'OAUTH_ENCRYPTION_KEY'
      | 'SSO_ENCRYPTION_KEY'
      | 'WEBHOOK_ENCRYPTION_KEY'
      | 'MCP_ENCRYPTION_KEY';
    keyFile: string;
    salt: string;
    label: string;
  },
): Provider {
  return {
    provide: token,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig): SealedBox | null =>
      sealingBoxFrom({
        configured: config[use.setting],
        setting: use.setting,
        keyFile: config.mode === 'embedded' ? join(config.DATA_DIR, use.keyFile) : undefined,
        salt: use.salt,
        label: use.label,
      }),
  };
}
