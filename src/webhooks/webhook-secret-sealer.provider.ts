import { sealingBoxProvider } from '../config/sealing-box.provider';

export const WEBHOOK_SECRET_SEALER = Symbol('WEBHOOK_SECRET_SEALER');

/**
 * What seals endpoints' signing secrets at rest (WEBHOOK_ENCRYPTION_KEY); sending needs
 * them in clear, so they are sealed, not hashed. Without it in production there are no
 * webhooks (503 webhooks-not-configured).
 */
export const webhookSecretSealerProvider = sealingBoxProvider(WEBHOOK_SECRET_SEALER, {
  setting: 'WEBHOOK_ENCRYPTION_KEY',
  keyFile: 'webhooks.key',
  salt: 'agent-village/webhooks',
  label: 'webhooks/secret-sealing/v1',
});
