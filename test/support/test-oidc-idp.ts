import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';

export interface IdpAccount {
  email: string;
  email_verified: boolean;
  name: string;
  groups?: string[];
  /**
   * The authentication methods this account's sign-in reports (the ID token's `amr`), such
   * as `['pwd', 'mfa']` for an account that passes the IdP's own second factor; none, no amr.
   */
  amr?: string[];
}

export interface TestIdp {
  issuer: string;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect identity provider for the SSO suites: oidc-provider with its
 * development sign-in pages (any password; the login names an account below), one
 * confidential client, PKCE required, ID tokens signed RS256 with keys of its own.
 */
export async function startTestIdp(options: {
  port: number;
  /**
   * The host name in its issuer (it listens on 127.0.0.1): `localhost` puts it on another
   * site than the product at 127.0.0.1, as a real identity provider is, for cookie rules.
   */
  host?: '127.0.0.1' | 'localhost';
  clientId: string;
  clientSecret: string;
  /** The product's callback URL of each provider that uses this client. */
  redirectUri: string | readonly string[];
  accounts: Record<string, IdpAccount>;
}): Promise<TestIdp> {
  const issuer = `http://${options.host ?? '127.0.0.1'}:${options.port}`;
  const redirectUris = [options.redirectUri].flat();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: redirectUris,
        // the product's home page, where its sign-out comes back to
        post_logout_redirect_uris: [`${new URL(redirectUris[0]).origin}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    features: { devInteractions: { enabled: true } },
    claims: {
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    pkce: { required: () => true },
    jwks: {
      keys: [
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      ],
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });
  // The development sign-in names the account only; its sign-in methods are added here.
  const finish = provider.interactionFinished.bind(provider);
  provider.interactionFinished = (req, res, result, finishOptions) => {
    const accountId = result.login?.accountId;
    const amr = accountId ? options.accounts[accountId]?.amr : undefined;
    return finish(
      req,
      res,
      result.login && amr ? { ...result, login: { ...result.login, amr } } : result,
      finishOptions,
    );
  };
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
