import { OAuthTokenSource } from './auth';

/** A token endpoint that hands out numbered tokens and records each grant it was asked for. */
function tokenEndpoint(options: { refreshToken?: boolean; expiresIn?: number } = {}) {
  const grants: Array<Record<string, string>> = [];
  const send = (async (_url: string, init: RequestInit) => {
    grants.push(Object.fromEntries(new URLSearchParams(String(init.body))));
    expect(new Headers(init.headers).get('authorization')).toBe(`Basic ${btoa('cli:secret')}`);
    return Response.json({
      access_token: `token-${grants.length}`,
      expires_in: options.expiresIn ?? 300,
      ...(options.refreshToken ? { refresh_token: `refresh-${grants.length}` } : {}),
    });
  }) as typeof fetch;
  return { send, grants };
}

const credentials = {
  clientId: 'cli',
  clientSecret: 'secret',
  scope: 'goals:read',
  tokenUrl: 'http://as/token',
};

describe('OAuthTokenSource', () => {
  it('asks once for concurrent requests and keeps the token until shortly before it expires', async () => {
    const { send, grants } = tokenEndpoint({ expiresIn: 300 });
    const source = new OAuthTokenSource(credentials, send);
    const now = Date.now();
    expect(await Promise.all([source.accessToken(now), source.accessToken(now)])).toEqual([
      'token-1',
      'token-1',
    ]);
    expect(await source.accessToken(now + 200_000)).toBe('token-1');
    expect(await source.accessToken(now + 280_000)).toBe('token-2'); // within 30 s of expiry
    expect(grants).toEqual([
      { grant_type: 'client_credentials', scope: 'goals:read' },
      { grant_type: 'client_credentials', scope: 'goals:read' },
    ]);
  });

  it('renews with the refresh token when the server gave one, and after a refusal', async () => {
    const { send, grants } = tokenEndpoint({ refreshToken: true });
    const source = new OAuthTokenSource(credentials, send);
    await source.accessToken();
    source.invalidate();
    expect(await source.accessToken()).toBe('token-2');
    expect(grants.map((g) => g.grant_type)).toEqual(['client_credentials', 'client_credentials']);
    expect(await source.accessToken(Date.now() + 290_000)).toBe('token-3');
    expect(grants[2]).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-2' });
  });

  it('says why the authorization server refused', async () => {
    const send = (async () =>
      Response.json({ error: 'invalid_client' }, { status: 401 })) as unknown as typeof fetch;
    await expect(new OAuthTokenSource(credentials, send).accessToken()).rejects.toThrow(
      'OAuth token request refused (401): invalid_client',
    );
  });
});
