import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** What the token endpoint puts in the ID token of the next sign-in. */
export type IdTokenScenario =
  | 'good'
  /** Signed by a key the provider does not publish, under the published key's `kid`. */
  | 'other-key'
  /** `alg: none`, no signature (the discovery document even offers `none`). */
  | 'alg-none'
  /** Issued to another client. */
  | 'wrong-audience'
  /** Expired five minutes ago. */
  | 'expired'
  /** Carries the nonce of an earlier sign-in instead of this one's. */
  | 'earlier-nonce';

export interface ScriptedAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

/** The GitHub shape: the user API and the address list behind the access token. */
export interface ScriptedGithubUser {
  user: { id: number; login: string; name: string; email: string | null };
  emails: Array<{ email: string; primary: boolean; verified: boolean; visibility: string | null }>;
}

export interface ScriptedIdp {
  /** The OpenID Connect issuer (this server's origin). */
  readonly issuer: string;
  /** The GitHub-shaped OAuth 2.0 endpoints on the same server. */
  readonly github: {
    authorization_endpoint: string;
    token_endpoint: string;
    userinfo_endpoint: string;
    emails_endpoint: string;
  };
  /** The ID token the next token request answers. */
  scenario: IdTokenScenario;
  /** Who signs in next (OpenID Connect). */
  account: ScriptedAccount;
  /** Who signs in next (GitHub shape). */
  githubUser: ScriptedGithubUser;
  /** Every request as `METHOD path` (no query), oldest first. */
  readonly requests: string[];
  stop(): Promise<void>;
}

interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  openid: boolean;
  expiresAt: number;
}

const KID = 'scripted-1';

/**
 * A small identity provider made by hand (node:http and jose) that does what the test tells
 * it to: OpenID Connect discovery, a JWKS with one RS256 key, an authorization endpoint that
 * redirects straight back with a code (nobody signs in), and a token endpoint that checks the
 * client, the code, the redirect URI and PKCE, then answers an ID token made for the current
 * scenario, good or hostile. The same server speaks the GitHub shape of plain OAuth 2.0: the
 * same authorization and token endpoints, a user API without an email, and an address list.
 */
export async function startScriptedIdp(options: {
  port: number;
  clientId: string;
  clientSecret: string;
}): Promise<ScriptedIdp> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const published = await generateKeyPair('RS256', { extractable: true });
  const impostor = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(published.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, { account: ScriptedAccount; github: ScriptedGithubUser }>();
  const nonces: string[] = [];

  const idp: ScriptedIdp = {
    issuer,
    github: {
      authorization_endpoint: `${issuer}/login/oauth/authorize`,
      token_endpoint: `${issuer}/login/oauth/access_token`,
      userinfo_endpoint: `${issuer}/user`,
      emails_endpoint: `${issuer}/user/emails`,
    },
    scenario: 'good',
    account: { sub: 'nobody', email: 'nobody@example.test', email_verified: true, name: 'Nobody' },
    githubUser: { user: { id: 0, login: 'nobody', name: 'Nobody', email: null }, emails: [] },
    requests: [],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  async function idToken(code: PendingCode): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { sub, email, email_verified, name } = idp.account;
    const claims: JWTPayload = { email, email_verified, name, nonce: code.nonce };
    let audience = options.clientId;
    let issuedAt = now;
    let expiry = now + 300;
    switch (idp.scenario) {
      case 'wrong-audience':
        audience = 'another-client';
        break;
      case 'expired':
        issuedAt = now - 900;
        expiry = now - 300;
        break;
      case 'earlier-nonce': {
        const earlier = nonces.filter((n) => n !== code.nonce).at(-1);
        if (!earlier) throw new Error('earlier-nonce needs an earlier sign-in');
        claims.nonce = earlier;
        break;
      }
    }
    const payload = {
      ...claims,
      iss: issuer,
      sub,
      aud: audience,
      iat: issuedAt,
      exp: expiry,
    };
    if (idp.scenario === 'alg-none')
      return `${b64u(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64u(JSON.stringify(payload))}.`;
    const key = idp.scenario === 'other-key' ? impostor.privateKey : published.privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(key);
  }

  function authorize(url: URL, res: ServerResponse): void {
    const p = url.searchParams;
    const redirectUri = p.get('redirect_uri') ?? '';
    if (p.get('client_id') !== options.clientId || !redirectUri)
      return json(res, 400, { error: 'invalid_client' });
    if (p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256')
      return json(res, 400, { error: 'invalid_request' });
    const openid = (p.get('scope') ?? '').split(' ').includes('openid');
    const nonce = p.get('nonce') ?? undefined;
    if (openid && !nonce) return json(res, 400, { error: 'invalid_request', detail: 'no nonce' });
    if (nonce) nonces.push(nonce);
    const code = randomBytes(16).toString('base64url');
    codes.set(code, {
      redirectUri,
      codeChallenge: p.get('code_challenge') ?? '',
      nonce,
      openid,
      expiresAt: Date.now() + 60_000,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    if (p.get('state') !== null) back.searchParams.set('state', p.get('state')!);
    res.writeHead(302, { location: back.href }).end();
  }

  async function token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    if (
      form.get('client_id') !== options.clientId ||
      form.get('client_secret') !== options.clientSecret
    )
      return json(res, 401, { error: 'invalid_client' });
    const code = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    if (
      form.get('grant_type') !== 'authorization_code' ||
      !code ||
      code.expiresAt < Date.now() ||
      code.redirectUri !== form.get('redirect_uri') ||
      createHash('sha256').update(verifier).digest('base64url') !== code.codeChallenge
    )
      return json(res, 400, { error: 'invalid_grant' });
    const accessToken = randomBytes(24).toString('base64url');
    accessTokens.set(accessToken, { account: idp.account, github: idp.githubUser });
    json(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: 300,
      ...(code.openid ? { id_token: await idToken(code) } : { scope: 'read:user,user:email' }),
    });
  }

  function resource(req: IncomingMessage, res: ServerResponse, path: string): void {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? accessTokens.get(bearer) : undefined;
    if (!grant) return json(res, 401, { message: 'Bad credentials' });
    if (path === '/user') return json(res, 200, grant.github.user);
    if (path === '/user/emails') return json(res, 200, grant.github.emails);
    json(res, 200, { sub: grant.account.sub, email: grant.account.email });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    idp.requests.push(`${req.method} ${url.pathname}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = `${req.method} ${url.pathname}`;
      void (async () => {
        switch (route) {
          case 'GET /.well-known/openid-configuration':
            return json(res, 200, {
              issuer,
              authorization_endpoint: `${issuer}/authorize`,
              token_endpoint: `${issuer}/token`,
              userinfo_endpoint: `${issuer}/userinfo`,
              jwks_uri: `${issuer}/jwks`,
              response_types_supported: ['code'],
              subject_types_supported: ['public'],
              // A hostile provider may offer anything: the relying party must not follow.
              id_token_signing_alg_values_supported: ['RS256', 'none'],
              token_endpoint_auth_methods_supported: ['client_secret_post'],
              code_challenge_methods_supported: ['S256'],
            });
          case 'GET /jwks':
            return json(res, 200, { keys: [jwk] });
          case 'GET /authorize':
          case 'GET /login/oauth/authorize':
            return authorize(url, res);
          case 'POST /token':
          case 'POST /login/oauth/access_token':
            return token(new URLSearchParams(Buffer.concat(chunks).toString()), res);
          case 'GET /userinfo':
          case 'GET /user':
          case 'GET /user/emails':
            return resource(req, res, url.pathname);
          default:
            return json(res, 404, { error: 'not_found' });
        }
      })().catch((error: Error) =>
        json(res, 500, { error: 'server_error', detail: error.message }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return idp;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function b64u(text: string): string {
  return Buffer.from(text).toString('base64url');
}
