import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authnContextsOf, confirmationProblem, EMAIL_NAME_ID, samlIdentity } from './saml-rules';
import { certificatePem, isPrivateKeyPem } from './saml-settings';
import { resolveSettings } from './sso-templates';

const ACS = 'https://village.example.com/sso/callback/p1';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const NOW = Date.parse('2026-01-01T12:00:00Z');

/** An assertion as node-saml's xml2js parse gives it. */
function assertion(data: Record<string, string>, issuer = 'https://idp.example.com') {
  return {
    Assertion: {
      Issuer: [{ _: issuer }],
      Subject: [
        {
          SubjectConfirmation: [{ $: { Method: BEARER }, SubjectConfirmationData: [{ $: data }] }],
        },
      ],
      AuthnStatement: [
        { AuthnContext: [{ AuthnContextClassRef: [{ _: 'https://refeds.org/profile/mfa' }] }] },
      ],
    },
  };
}

const expected = { recipient: ACS, requestId: '_r1', now: NOW, skewMs: 60_000 };
const valid = { Recipient: ACS, InResponseTo: '_r1', NotOnOrAfter: '2026-01-01T12:05:00Z' };

describe('SAML rules', () => {
  it('reads the identity from the named or usual attributes, NameID when it is an email', () => {
    const facts = {
      nameId: 'Alice@Acme.test',
      nameIdFormat: EMAIL_NAME_ID,
      attributes: { displayName: 'Alice A', groups: ['eng', 'ops'] },
      authnContexts: [],
    };
    expect(samlIdentity(facts, {})).toEqual({
      subject: 'Alice@Acme.test',
      email: 'alice@acme.test',
      emailVerified: false,
      name: 'Alice A',
      groups: ['eng', 'ops'],
      amr: [],
    });
    expect(samlIdentity(facts, { trust_email: true }).emailVerified).toBe(true);
    const named = samlIdentity(
      {
        nameId: 'opaque-42',
        nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        attributes: { work_mail: 'bob@acme.test', role: 'eng', givenName: 'Bob', sn: 'B' },
        authnContexts: ['https://refeds.org/profile/mfa'],
      },
      { email_attribute: 'work_mail', groups_attribute: 'role' },
    );
    expect(named).toMatchObject({
      subject: 'opaque-42',
      email: 'bob@acme.test',
      name: 'Bob B',
      groups: ['eng'],
      amr: ['mfa'],
    });
    // a persistent NameID is not an email, and a named attribute has no fallback
    expect(
      samlIdentity(
        { nameId: 'x@acme.test', nameIdFormat: 'persistent', attributes: {}, authnContexts: [] },
        {},
      ).email,
    ).toBe('');
    expect(samlIdentity({ ...facts, attributes: {} }, { email_attribute: 'mail' }).email).toBe('');
    expect(samlIdentity({ ...facts, attributes: {} }, { email_attribute: 'NameID' }).email).toBe(
      'alice@acme.test',
    );
  });

  it('requires a current bearer confirmation for our service, answering our request', () => {
    expect(confirmationProblem(assertion(valid), expected)).toBeUndefined();
    expect(
      confirmationProblem(assertion(valid), { ...expected, issuer: 'https://idp.example.com' }),
    ).toBeUndefined();
    expect(confirmationProblem(assertion(valid), { ...expected, issuer: 'https://other' })).toMatch(
      /issuer/,
    );
    expect(
      confirmationProblem(assertion({ ...valid, Recipient: 'https://evil/acs' }), expected),
    ).toMatch(/recipient/);
    expect(confirmationProblem(assertion({ ...valid, InResponseTo: '_other' }), expected)).toMatch(
      /does not answer/,
    );
    const { InResponseTo: _, ...unsolicited } = valid;
    expect(confirmationProblem(assertion(unsolicited), expected)).toMatch(/does not answer/);
    expect(
      confirmationProblem(assertion({ ...valid, NotOnOrAfter: '2026-01-01T11:58:00Z' }), expected),
    ).toMatch(/expired/);
    expect(
      confirmationProblem(assertion({ ...valid, NotBefore: '2026-01-01T12:10:00Z' }), expected),
    ).toMatch(/expired/);
    expect(confirmationProblem(assertion({ ...valid, NotBefore: 'garbage' }), expected)).toMatch(
      /expired/,
    );
    expect(confirmationProblem({}, expected)).toMatch(/no assertion/);
    expect(authnContextsOf(assertion(valid))).toEqual(['https://refeds.org/profile/mfa']);
  });

  it('checks and normalizes certificates and keys of SAML settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saml-rules-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=idp',
          '-days',
          '2',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const pem = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const bare = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
      expect(certificatePem(bare)).toBe(certificatePem(pem));
      expect(certificatePem('not a certificate')).toBeUndefined();
      expect(isPrivateKeyPem(readFileSync(join(dir, 'key.pem'), 'utf8'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(isPrivateKeyPem(ec.export({ format: 'pem', type: 'pkcs8' }) as string)).toBe(false);
    expect(isPrivateKeyPem('nonsense')).toBe(false);

    const refused = resolveSettings('saml', {
      entry_point: 'https://idp.example.com/sso',
      idp_certificate: 'nonsense',
      trust_email: 'yes' as unknown as boolean,
      email_attribute: 'has spaces',
    });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors.map((e) => e.field).sort()).toEqual([
      'settings.email_attribute',
      'settings.idp_certificate',
      'settings.trust_email',
    ]);
  });
});
