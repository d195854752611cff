import { sealingBoxProvider } from '../config/sealing-box.provider';

export const OAUTH_KEY_SEALER = Symbol('OAUTH_KEY_SEALER');

/**
 * What seals the authorization server's private keys at rest (OAUTH_ENCRYPTION_KEY); without
 * it in production the OAuth server stays off and says so.
 */
export const oauthKeySealerProvider = sealingBoxProvider(OAUTH_KEY_SEALER, {
  setting: 'OAUTH_ENCRYPTION_KEY',
  keyFile: 'oauth.key',
  salt: 'agent-village/oauth',
  label: 'oauth/key-sealing/v1',
});
