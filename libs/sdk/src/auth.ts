/** How the client proves who it is. */
export type Credentials =
  | { apiKey: string }
  /** A session token, API key or OAuth access token, sent as `Authorization: Bearer`. */
  | { bearer: string | (() => string | Promise<string>) }
  | { oauth: OAuthClientCredentials };

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, e.g. `goals:read goals:write`. */
  scope?: string;
  /** Default: `<baseUrl>/oauth/token`. */
  tokenUrl?: string;
}

/** An access token with what it takes to renew it. */
interface Token {
  accessToken: string;
  refreshToken?: string;
  expiresAtMs: number;
}

/** A token is renewed this long before it expires, so no request carries a dying one. */
const RENEW_BEFORE_MS = 30_000;

/**
 * The OAuth 2.0 client credentials grant: a token is fetched at first use, kept until
 * shortly before it expires, then renewed (with its refresh token when the server gave
 * one, otherwise with the client's credentials again). Concurrent requests share one
 * token request.
 */
export class OAuthTokenSource {
  private token?: Token;
  private pending?: Promise<Token>;

  constructor(
    private readonly options: OAuthClientCredentials & { tokenUrl: string },
    private readonly send: typeof fetch = fetch,
  ) {}

  async accessToken(nowMs = Date.now()): Promise<string> {
    if (this.token && this.token.expiresAtMs - RENEW_BEFORE_MS > nowMs)
      return this.token.accessToken;
    this.pending ??= this.renew().finally(() => (this.pending = undefined));
    this.token = await this.pending;
    return this.token.accessToken;
  }

  /** Forgets the token (the API refused it): the next request fetches a new one. */
  invalidate(): void {
    this.token = undefined;
  }

  private async renew(): Promise<Token> {
    const refreshToken = this.token?.refreshToken;
    if (refreshToken) {
      try {
        return await this.request({ grant_type: 'refresh_token', refresh_token: refreshToken });
      } catch {
        // a refused refresh token: the client's own credentials still work
      }
    }
    return this.request({
      grant_type: 'client_credentials',
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    });
  }

  private async request(grant: Record<string, string>): Promise<Token> {
    const basic = `${encodeURIComponent(this.options.clientId)}:${encodeURIComponent(this.options.clientSecret)}`;
    const response = await this.send(this.options.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${btoa(basic)}`,
      },
      body: new URLSearchParams(grant).toString(),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      refresh_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token)
      throw new Error(
        `OAuth token request refused (${response.status}): ${body.error_description ?? body.error ?? 'no access token'}`,
      );
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAtMs: Date.now() + (body.expires_in ?? 300) * 1000,
    };
  }
}

type Fetch = (request: Request) => Promise<Response>;

/** The headers that carry the credentials. */
export type AuthHeaders = () => Promise<Record<string, string>>;

export function authHeaders(
  credentials: Credentials | undefined,
  baseUrl: string,
): {
  headers: AuthHeaders;
  oauth?: OAuthTokenSource;
} {
  if (!credentials) return { headers: async () => ({}) };
  if ('apiKey' in credentials)
    return { headers: async () => ({ 'x-api-key': credentials.apiKey }) };
  if ('bearer' in credentials) {
    const { bearer } = credentials;
    return {
      headers: async () => ({
        authorization: `Bearer ${typeof bearer === 'function' ? await bearer() : bearer}`,
      }),
    };
  }
  const oauth = new OAuthTokenSource({
    ...credentials.oauth,
    tokenUrl: credentials.oauth.tokenUrl ?? `${baseUrl}/oauth/token`,
  });
  return {
    oauth,
    headers: async () => ({ authorization: `Bearer ${await oauth.accessToken()}` }),
  };
}

/**
 * Adds the credentials to each request; an OAuth token the API refuses (401) is renewed
 * once and the request sent again.
 */
export function authenticatingFetch(
  send: Fetch,
  credentials: { headers: AuthHeaders; oauth?: OAuthTokenSource },
): Fetch {
  const sign = async (request: Request) => {
    const signed = request.clone();
    for (const [name, value] of Object.entries(await credentials.headers()))
      signed.headers.set(name, value);
    return signed;
  };
  return async (request) => {
    const response = await send(await sign(request));
    if (response.status !== 401 || !credentials.oauth) return response;
    credentials.oauth.invalidate();
    await response.body?.cancel();
    return send(await sign(request));
  };
}
