import { sealingBoxProvider } from '../config/sealing-box.provider';

export const SSO_SECRET_SEALER = Symbol('SSO_SECRET_SEALER');

/**
 * What seals identity providers' secrets at rest (SSO_ENCRYPTION_KEY); without it in
 * production a provider with a secret cannot be stored (503 sso-not-configured).
 */
export const ssoSecretSealerProvider = sealingBoxProvider(SSO_SECRET_SEALER, {
  setting: 'SSO_ENCRYPTION_KEY',
  keyFile: 'sso.key',
  salt: 'agent-village/sso',
  label: 'sso/secret-sealing/v1',
});
