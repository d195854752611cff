import { DomainError } from '#common';

/** 503 where OAuth is needed and this production deployment has no OAUTH_ENCRYPTION_KEY. */
export class OAuthNotConfigured extends DomainError {
  constructor() {
    super(
      503,
      'oauth-not-configured',
      'OAuth is not configured',
      'Set OAUTH_ENCRYPTION_KEY to turn on the authorization server.',
    );
  }
}
