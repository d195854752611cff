import type { DocumentBuilder } from '@nestjs/swagger';

type SecuritySchemeObject = NonNullable<Parameters<DocumentBuilder['addOAuth2']>[0]>;
import type { AppConfig } from '../config/app-config';
import { IDENTITY_SCOPES, RESOURCE_SCOPES } from '../oauth-tokens/oauth-scopes';
import { describeScope } from './scope-descriptions';

/** The OAuth 2.0 flows the API document offers: authorization code (with PKCE) and client credentials. */
export function oauthSecurityScheme(config: AppConfig): SecuritySchemeObject {
  const issuer = `${config.publicUrl}/oauth`;
  const scopes = Object.fromEntries(
    [...IDENTITY_SCOPES, ...RESOURCE_SCOPES].map((scope) => [scope, describeScope(scope)]),
  );
  return {
    type: 'oauth2',
    description: `Access tokens from the authorization server at ${issuer} (discovery at ${issuer}/.well-known/openid-configuration).`,
    flows: {
      authorizationCode: {
        authorizationUrl: `${issuer}/auth`,
        tokenUrl: `${issuer}/token`,
        refreshUrl: `${issuer}/token`,
        scopes,
      },
      clientCredentials: { tokenUrl: `${issuer}/token`, scopes },
    },
  };
}
