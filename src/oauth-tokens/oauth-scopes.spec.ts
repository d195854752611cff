import {
  grantableResourceScopes,
  isOAuthScope,
  keyScopeFor,
  keyScopesOf,
  oauthScopeFor,
  RESOURCE_SCOPES,
} from './oauth-scopes';

describe('OAuth scopes', () => {
  it('spells each API key scope as resource:action and back', () => {
    expect(oauthScopeFor('read:goals')).toBe('goals:read');
    expect(oauthScopeFor('write:goals')).toBe('goals:write');
    expect(oauthScopeFor('execute:agents')).toBe('agents:execute');
    expect(oauthScopeFor('admin:full')).toBe('admin');
    for (const scope of RESOURCE_SCOPES) expect(oauthScopeFor(keyScopeFor(scope)!)).toBe(scope);
  });

  it('knows nothing it does not offer', () => {
    expect(keyScopeFor('goals:delete')).toBeUndefined();
    expect(keyScopeFor('goals')).toBeUndefined();
    expect(keyScopeFor('goals:read:x')).toBeUndefined();
    expect(isOAuthScope('openid')).toBe(true);
    expect(isOAuthScope('goals:read')).toBe(true);
    expect(isOAuthScope('read:goals')).toBe(false);
  });

  it('reads a scope claim as key scopes, without the identity scopes', () => {
    expect(keyScopesOf('openid profile goals:read agents:write bogus')).toEqual([
      'read:goals',
      'write:agents',
    ]);
    expect(keyScopesOf(undefined)).toEqual([]);
  });

  it('grants only what the holder may do (write covers read, admin covers all)', () => {
    expect(
      grantableResourceScopes(
        ['goals:read', 'goals:write', 'memory:read', 'openid'],
        ['write:goals'],
      ),
    ).toEqual(['goals:read', 'goals:write']);
    expect(grantableResourceScopes(['goals:write', 'admin'], ['admin:full'])).toEqual([
      'goals:write',
      'admin',
    ]);
    expect(grantableResourceScopes(['admin'], ['write:goals'])).toEqual([]);
  });
});
