import {
  checkEmailDomain,
  identityFrom,
  idpUsedMfa,
  localRedirect,
  rolesForGroups,
} from './sso-rules';

describe('single sign-on rules', () => {
  it('refuses blocked domains and, with an allow-list, every other domain', () => {
    expect(checkEmailDomain('a@acme.com', [], [])).toEqual({ ok: true });
    expect(checkEmailDomain('a@eu.acme.com', ['acme.com'], []).ok).toBe(true);
    expect(checkEmailDomain('a@evil.com', ['acme.com'], []).ok).toBe(false);
    expect(checkEmailDomain('a@acme.com.evil.com', ['acme.com'], []).ok).toBe(false);
    expect(checkEmailDomain('a@gmail.com', [], ['gmail.com']).ok).toBe(false);
    expect(checkEmailDomain('a@acme.com', ['acme.com'], ['acme.com']).ok).toBe(false);
    expect(checkEmailDomain('', [], []).ok).toBe(false);
  });

  it('sends the browser back only to a path on our own origin', () => {
    const origin = 'https://village.example.com';
    expect(localRedirect(undefined, origin)).toBe('/');
    expect(localRedirect('/goals?x=1#y', origin)).toBe('/goals?x=1#y');
    for (const bad of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      '/%2F%2Fevil',
      'goals',
    ])
      expect([bad, localRedirect(bad, origin)]).toEqual([
        bad,
        bad === '/%2F%2Fevil' ? '/%2F%2Fevil' : undefined,
      ]);
  });

  it('reads identities by the configured claim names', () => {
    const identity = identityFrom(
      {
        sub: 's1',
        mail: 'A@Acme.com',
        email_verified: true,
        displayName: 'Ann',
        roles: ['dev'],
        amr: ['pwd', 'mfa'],
      },
      { email: 'mail', name: 'displayName', groups: 'roles' },
    );
    expect(identity).toEqual({
      subject: 's1',
      email: 'a@acme.com',
      emailVerified: true,
      name: 'Ann',
      groups: ['dev'],
      amr: ['pwd', 'mfa'],
    });
    expect(idpUsedMfa(identity.amr)).toBe(true);
    expect(idpUsedMfa(['pwd'])).toBe(false);
    expect(identityFrom({ id: 42, login: 'octo' }, {}).subject).toBe('42');
  });

  it('maps groups to roles', () => {
    expect(rolesForGroups(['dev', 'ops', 'x'], { dev: 'developer', ops: 'operator' })).toEqual([
      'developer',
      'operator',
    ]);
  });
});
