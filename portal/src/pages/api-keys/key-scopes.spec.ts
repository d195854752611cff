import { grantableScopes, scopeOf } from './key-scopes';

describe('API key scopes in the portal', () => {
  it('maps permissions to scopes as the API does', () => {
    expect(scopeOf('goal:read')).toBe('read:goals');
    expect(scopeOf('goal:cancel')).toBe('write:goals');
    expect(scopeOf('api-key:rotate')).toBe('write:api-keys');
    expect(scopeOf('tool:execute')).toBe('execute:tools');
    expect(scopeOf('admin:system')).toBe('admin:full');
  });

  it('offers only scopes backed by a permission the user holds', () => {
    expect(grantableScopes(['goal:read', 'goal:create', 'webhook:read'])).toEqual([
      'read:goals',
      'read:webhooks',
      'write:goals',
    ]);
  });
});
