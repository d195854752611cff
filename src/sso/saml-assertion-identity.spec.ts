import type { Profile } from '@node-saml/node-saml';
import { assertionIdentity, assertionSubject } from './saml-assertion-identity';
import { EMAIL_NAME_ID } from './saml-rules';

/** A profile as node-saml gives it for a validated assertion. */
function profile(fields: Partial<Profile>): Profile {
  return { issuer: 'https://idp.example.com', nameID: '', nameIDFormat: '', ...fields } as Profile;
}

const mfaAssertion = {
  Assertion: {
    AuthnStatement: [
      { AuthnContext: [{ AuthnContextClassRef: [{ _: 'https://refeds.org/profile/mfa' }] }] },
    ],
  },
};

describe('SAML assertion identity', () => {
  it("maps the NameID, attributes and authentication context by the provider's settings", () => {
    const alice = profile({
      nameID: 'opaque-42',
      nameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      attributes: { work_mail: 'Alice@Acme.test', displayName: 'Alice A', role: ['eng', 'ops'] },
      getAssertion: () => mfaAssertion,
    });
    expect(
      assertionIdentity(alice, {
        email_attribute: 'work_mail',
        groups_attribute: 'role',
        trust_email: true,
      }),
    ).toEqual({
      subject: 'opaque-42',
      email: 'alice@acme.test',
      emailVerified: true,
      name: 'Alice A',
      groups: ['eng', 'ops'],
      amr: ['mfa'],
    });
  });

  it('reads an email NameID when no attribute names the email, with no second factor', () => {
    const bob = profile({ nameID: 'bob@acme.test', nameIDFormat: EMAIL_NAME_ID });
    expect(assertionIdentity(bob, {})).toEqual({
      subject: 'bob@acme.test',
      email: 'bob@acme.test',
      emailVerified: false,
      name: 'bob@acme.test',
      groups: [],
      amr: [],
    });
  });

  it('keeps the subject and session index for single logout, none without a NameID', () => {
    expect(
      assertionSubject(
        profile({ nameID: 'opaque-42', nameIDFormat: EMAIL_NAME_ID, sessionIndex: '_s1' }),
      ),
    ).toEqual({ nameId: 'opaque-42', nameIdFormat: EMAIL_NAME_ID, sessionIndex: '_s1' });
    expect(assertionSubject(profile({ nameID: 'opaque-42' }))).toEqual({
      nameId: 'opaque-42',
      nameIdFormat: undefined,
      sessionIndex: undefined,
    });
    expect(assertionSubject(profile({}))).toBeUndefined();
  });
});
