import type {
  AccessToken,
  Adapter,
  ClientCredentials,
  Configuration,
  KoaContextWithOIDC,
  ResourceServer,
} from 'oidc-provider';
import type { errors as OidcErrors } from 'oidc-provider';
import type { AppConfig } from '../config/app-config';
import { OAuthArtifactRepository } from '../oauth-tokens/oauth-artifact.repository';
import { oauthIdentifiers } from '../oauth-tokens/oauth-access-tokens.service';
import { RESOURCE_SCOPES, IDENTITY_SCOPES } from '../oauth-tokens/oauth-scopes';
import type { OAuthKeySet } from '../oauth-tokens/oauth-signing-keys.service';
import type { OAuthClientDirectory } from './oauth-client-directory';
import type { OAuthPages } from './oauth-pages';

/** What the configuration needs from the rest of the product. */
export interface ProviderDependencies {
  config: AppConfig;
  keys: OAuthKeySet;
  adapter: new (model: string) => Adapter;
  artifacts: OAuthArtifactRepository;
  clients: OAuthClientDirectory;
  pages: OAuthPages;
  /** The claims of a user, or undefined when the user is gone or disabled. */
  account(userId: string): Promise<AccountClaims | undefined>;
  /** The API scopes a client-credentials token of this client may carry (its owner's rights). */
  ownerScopes(clientId: string): Promise<string[]>;
  interactionPolicy: NonNullable<Configuration['interactions']>['policy'];
  errors: typeof OidcErrors;
}

export interface AccountClaims {
  sub: string;
  email: string;
  name: string;
  tenant_id: string;
}

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * oidc-provider's configuration: which grants, how tokens look and live, where state is kept
 * and which pages it shows. Access tokens are JWTs for the API (`<PUBLIC_URL>/api`) signed
 * RS256 and also kept on record, so that introspection, revocation and a reused refresh
 * token end them at once; ID tokens are signed RS256 or ES256, nothing weaker.
 */
export function providerConfiguration(deps: ProviderDependencies): Configuration {
  const { config, keys, errors } = deps;
  const { audience } = oauthIdentifiers(config);
  const apiServer = (scope: string): ResourceServer => ({
    scope,
    audience,
    accessTokenTTL: config.OAUTH_ACCESS_TOKEN_TTL_S,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  });

  return {
    adapter: deps.adapter,
    jwks: { keys: keys.signing as unknown as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'tenant_id'],
      email: ['email', 'email_verified'],
    },
    // Identity scopes only: API scopes belong to the resource server (getResourceServerInfo);
    // listed here too, the provider would also expect them granted as identity scopes.
    scopes: [...IDENTITY_SCOPES],
    async findAccount(_ctx, sub) {
      const account = await deps.account(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ ...account, email_verified: false }),
      };
    },
    extraClientMetadata: { properties: ['tenant_id', 'skip_consent', 'owner_user_id'] },
    async extraTokenClaims(_ctx, token) {
      const client = token.clientId ? await deps.clients.find(token.clientId) : null;
      if (!client) return undefined;
      const claims: Record<string, string> = { tenant_id: client.tenantId };
      if (token.kind === 'ClientCredentials' && client.ownerUserId)
        claims.owner_user_id = client.ownerUserId;
      return claims;
    },
    formats: {
      customizers: {
        // Keeps each JWT access token on record by its id, so it can be introspected,
        // revoked and ended with its grant like an opaque token.
        async jwt(_ctx, token, parts) {
          await recordAccessToken(deps, token, parts.payload);
        },
      },
    },
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // A token the API refuses (its user, or its client's owner, disabled or gone) is
        // answered as inactive: another resource server must not honour it either.
        allowedPolicy: async (ctx, client, token) =>
          (await sameTenant(
            deps.clients,
            client.clientId,
            token.clientId ?? '',
            client.clientAuthMethod ?? 'none',
          )) && (await actsForActiveUser(deps, token)),
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
      },
      clientCredentials: { enabled: true },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: (ctx, form, out, err) => deps.pages.userCodeInput(ctx, form, out, err),
        userCodeConfirmSource: (ctx, form, client, _info, userCode) =>
          deps.pages.userCodeConfirm(ctx, form, client, userCode),
        successSource: (ctx) => deps.pages.deviceSuccess(ctx),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        // The API scopes a client may be given: those it is registered for and, for client
        // credentials, that its owner's permissions cover.
        async getResourceServerInfo(ctx, indicator, client) {
          if (indicator !== audience) throw new errors.InvalidTarget();
          const registered = (await deps.clients.find(client.clientId))?.scopes ?? [];
          let scopes = registered.filter((s) => RESOURCE_SCOPES.includes(s));
          if (ctx.oidc.params?.grant_type === 'client_credentials') {
            const owner = new Set(await deps.ownerScopes(client.clientId));
            scopes = scopes.filter((s) => owner.has(s));
          }
          return apiServer(scopes.join(' '));
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => deps.pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx) => deps.pages.loggedOut(ctx),
      },
    },
    interactions: {
      url: (_ctx, interaction) => `/oauth/interaction/${interaction.uid}`,
      policy: deps.interactionPolicy,
    },
    renderError: (ctx, out, error) => deps.pages.error(ctx, out, error),
    // A browser may call the token endpoints only from a public client's own origin (a
    // single-page app); confidential clients keep their secret on a server.
    clientBasedCORS: (_ctx, origin, client) =>
      origin !== 'null' &&
      client.clientAuthMethod === 'none' &&
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'ES256'],
      requestObjectSigningAlgValues: ['RS256', 'ES256'],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'RS256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    ttl: {
      AccessToken: config.OAUTH_ACCESS_TOKEN_TTL_S,
      ClientCredentials: config.OAUTH_ACCESS_TOKEN_TTL_S,
      AuthorizationCode: 60,
      IdToken: config.OAUTH_ID_TOKEN_TTL_S,
      RefreshToken: config.OAUTH_REFRESH_TOKEN_TTL_S,
      DeviceCode: config.OAUTH_DEVICE_CODE_TTL_S,
      Interaction: 600,
      Session: config.SESSION_TTL_MINUTES * 60,
      Grant: config.OAUTH_REFRESH_TOKEN_TTL_S,
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    conformIdTokenClaims: true,
  };
}

export { DEVICE_CODE_GRANT };

async function recordAccessToken(
  deps: ProviderDependencies,
  token: AccessToken | ClientCredentials,
  claims: Record<string, unknown>,
): Promise<void> {
  const fields = (token.constructor as unknown as { IN_PAYLOAD: string[] }).IN_PAYLOAD;
  const source = token as unknown as Record<string, unknown>;
  const payload: Record<string, unknown> = { iat: claims.iat, exp: claims.exp };
  for (const field of fields) if (source[field] !== undefined) payload[field] = source[field];
  const client = token.clientId ? await deps.clients.find(token.clientId) : null;
  await deps.artifacts.upsert({
    model: token.kind,
    id: token.jti,
    tenantId: client?.tenantId ?? null,
    grantId: 'grantId' in token && typeof token.grantId === 'string' ? token.grantId : null,
    uid: null,
    userCode: null,
    payload,
    expiresAt: new Date(Number(claims.exp) * 1000),
  });
}

/** A confidential client may introspect the tokens of its own tenant's clients. */
async function sameTenant(
  clients: OAuthClientDirectory,
  callerId: string,
  tokenClientId: string,
  callerAuthMethod: string,
): Promise<boolean> {
  if (callerId === tokenClientId) return true;
  if (callerAuthMethod === 'none') return false;
  const [caller, owner] = await Promise.all([clients.find(callerId), clients.find(tokenClientId)]);
  return !!caller && !!owner && caller.tenantId === owner.tenantId;
}

/** Whether the user a token acts for (a client-credentials token: the client's owner) is active. */
async function actsForActiveUser(
  deps: ProviderDependencies,
  token: { accountId?: string; clientId?: string },
): Promise<boolean> {
  const userId =
    token.accountId ??
    (token.clientId ? (await deps.clients.find(token.clientId))?.ownerUserId : undefined);
  return !!userId && (await deps.account(userId)) !== undefined;
}

/** The OAuth scopes a token request names, for logs and pages. */
export function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  const scope = ctx.oidc.params?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}
