import { decideConsent } from './consent';

describe('consent', () => {
  const client = [
    'openid',
    'profile',
    'email',
    'offline_access',
    'goals:read',
    'goals:write',
    'admin',
  ];

  it('grants what the client is registered for and the user may do', () => {
    const decision = decideConsent(
      ['openid', 'email', 'goals:write', 'admin', 'memory:read'],
      client,
      ['goal:create', 'goal:read'],
    );
    expect(decision.identity).toEqual(['openid', 'email']);
    expect(decision.resource).toEqual(['goals:write']);
    expect(decision.refusedResource).toEqual(['admin', 'memory:read']);
  });

  it('gives admin only to tenant administrators', () => {
    expect(decideConsent(['admin'], client, ['admin:access', 'goal:read']).resource).toEqual([
      'admin',
    ]);
  });

  it('refuses identity scopes the client is not registered for', () => {
    expect(decideConsent(['openid', 'offline_access'], ['openid'], []).refusedIdentity).toEqual([
      'offline_access',
    ]);
  });
});
