import {
  authMethodFor,
  clientSettingsErrors,
  DEVICE_CODE_GRANT,
  grantTypeErrors,
  redirectUriProblem,
  type ClientSettings,
} from './oauth-client-rules';

const confidential: ClientSettings = {
  clientType: 'confidential',
  redirectUris: ['https://app.example.com/callback'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  authMethod: 'client_secret_basic',
};
const publicClient: ClientSettings = { ...confidential, clientType: 'public', authMethod: 'none' };
const fields = (settings: ClientSettings) => clientSettingsErrors(settings).map((e) => e.field);

describe('redirect URIs', () => {
  it('takes https anywhere and http to the loopback interface on any port', () => {
    for (const uri of [
      'https://app.example.com/callback',
      'https://app.example.com:8443/cb?tenant=a',
      'HTTPS://App.Example.com/cb',
      'http://localhost/cb',
      'http://localhost:3000/callback',
      'http://127.0.0.1:51004/',
      'http://[::1]:8080/cb',
    ])
      expect([uri, redirectUriProblem(uri, 'confidential')]).toEqual([uri, undefined]);
  });

  it('refuses plain http elsewhere, fragments, relative and malformed URLs, user information', () => {
    const refused: Array<[string, RegExp]> = [
      ['http://app.example.com/cb', /https/],
      ['http://localhost.example.com/cb', /https/],
      ['http://127.0.0.2/cb', /https/],
      ['http://10.0.0.1/cb', /https/],
      ['https://app.example.com/cb#frag', /fragment/],
      ['https://app.example.com/cb#', /fragment/],
      ['/callback', /absolute/],
      ['app.example.com/cb', /absolute/],
      ['https:/app.example.com/cb', /absolute/],
      ['https:app.example.com', /absolute/],
      ['', /absolute/],
      ['https://user:pass@app.example.com/cb', /user information/],
      ['https://app.example.com/a b', /whitespace/],
      [' https://app.example.com/cb', /whitespace/],
      ['https://app.example.com/cb\n', /whitespace/],
      [`https://app.example.com/${'x'.repeat(2000)}`, /at most/],
    ];
    for (const [uri, reason] of refused)
      expect([uri, redirectUriProblem(uri, 'confidential')]).toEqual([
        uri,
        expect.stringMatching(reason),
      ]);
  });

  it('refuses a wildcard host and dot segments, which exact matching would not honour', () => {
    for (const uri of [
      'https://*.example.com/cb',
      'https://app.example.com/../cb',
      'https://app.example.com/a/./cb',
      'https://app.example.com/a/%2e%2E/cb',
      'https://app.example.com/a/.%2e',
      'http://localhost/cb/..?x=1',
    ])
      expect([uri, redirectUriProblem(uri, 'confidential')]).toEqual([
        uri,
        expect.stringMatching(/wildcard|\.\. path segments/),
      ]);
    expect(redirectUriProblem('com.example.app:/../cb', 'public')).toMatch(/path segments/);
    // dots inside a segment or in the query are ordinary characters
    for (const uri of [
      'https://app.example.com/v1.2/cb',
      'https://app.example.com/...',
      'https://app.example.com/cb?next=../x',
      'com.example.app:/oauth.cb',
    ])
      expect([uri, redirectUriProblem(uri, 'public')]).toEqual([uri, undefined]);
  });

  it('lets only public clients use a private-use scheme, and never javascript:, data: or file:', () => {
    expect(redirectUriProblem('com.example.app:/cb', 'public')).toBeUndefined();
    expect(redirectUriProblem('com.example.app://oauth/cb', 'public')).toBeUndefined();
    expect(redirectUriProblem('com.example.app:/cb', 'confidential')).toMatch(/https/);
    for (const uri of [
      'javascript:alert(1)',
      'data:text/html,hi',
      'file:///etc/passwd',
      'myapp:/cb',
      'ftp://files.example.com/',
      'com.example.app:/cb#x',
    ])
      expect([uri, redirectUriProblem(uri, 'public')]).toEqual([uri, expect.any(String)]);
  });

  it('names the index of each bad URI, for both lists, and counts at most 20', () => {
    const errors = clientSettingsErrors({
      ...confidential,
      redirectUris: ['https://ok.example.com/', 'http://bad.example.com/'],
      postLogoutRedirectUris: ['https://ok.example.com/#x'],
    });
    expect(errors.map((e) => e.field)).toEqual(['redirect_uris.1', 'post_logout_redirect_uris.0']);
    const many = Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`);
    expect(fields({ ...confidential, redirectUris: many })).toEqual(['redirect_uris']);
    expect(fields({ ...confidential, redirectUris: many.slice(1) })).toEqual([]);
  });
});

describe('grant types', () => {
  it('takes the defaults, client credentials for confidential clients and the device grant', () => {
    expect(clientSettingsErrors(confidential)).toEqual([]);
    expect(clientSettingsErrors(publicClient)).toEqual([]);
    expect(
      grantTypeErrors({ ...confidential, grantTypes: ['client_credentials'], redirectUris: [] }),
    ).toEqual([]);
    expect(
      grantTypeErrors({
        ...publicClient,
        grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
        redirectUris: [],
      }),
    ).toEqual([]);
  });

  it('refuses client credentials to a public client', () => {
    expect(grantTypeErrors({ ...publicClient, grantTypes: ['client_credentials'] })).toEqual([
      { field: 'grant_types', message: 'client_credentials needs a confidential client' },
    ]);
  });

  it('needs a redirect URI for the authorization code flow', () => {
    expect(grantTypeErrors({ ...confidential, redirectUris: [] })).toEqual([
      { field: 'redirect_uris', message: 'authorization_code needs at least one redirect URI' },
    ]);
  });

  it('refuses unknown grants, none at all, and a refresh token with no flow that issues one', () => {
    const of = (grantTypes: string[]) =>
      grantTypeErrors({ ...confidential, grantTypes }).map((e) => e.message);
    expect(of(['implicit'])).toEqual(['unknown grant types: implicit']);
    expect(of([])).toEqual(['must name at least one grant type']);
    expect(of(['client_credentials', 'refresh_token'])).toEqual([
      'refresh_token needs authorization_code or the device code grant',
    ]);
  });
});

describe('scopes and the token endpoint method', () => {
  it('takes only OAuth scopes, at least one', () => {
    expect(fields({ ...confidential, scopes: ['openid', 'goals:read', 'admin'] })).toEqual([]);
    expect(clientSettingsErrors({ ...confidential, scopes: ['read:goals', 'x'] })).toEqual([
      { field: 'scopes', message: 'unknown scopes: read:goals, x' },
    ]);
    expect(fields({ ...confidential, scopes: [] })).toEqual(['scopes']);
  });

  it('gives a public client none and a confidential one basic unless it asks for post', () => {
    expect(authMethodFor('public')).toBe('none');
    expect(authMethodFor('confidential')).toBe('client_secret_basic');
    expect(authMethodFor('confidential', 'client_secret_post')).toBe('client_secret_post');
    expect(fields({ ...publicClient, authMethod: 'client_secret_basic' })).toEqual([
      'token_endpoint_auth_method',
    ]);
    expect(fields({ ...confidential, authMethod: 'none' })).toEqual(['token_endpoint_auth_method']);
  });
});
