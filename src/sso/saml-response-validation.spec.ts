import { type Profile, SamlStatusError } from '@node-saml/node-saml';
import type { Request } from 'express';
import {
  assertionProblem,
  destinationProblem,
  postedResponseProblem,
  responseRefusal,
} from './saml-response-validation';

const ACS = 'https://village.example.com/sso/callback/p1';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

const post = (body: unknown, query: Record<string, unknown> = {}) =>
  ({ method: 'POST', body, query }) as Request;

const response = (destination?: string) =>
  `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x"${
    destination ? ` Destination="${destination}"` : ''
  }/>`;

/** A profile whose assertion confirms a bearer for `recipient`, answering `_r1`, current. */
function profile(recipient: string, xml: string | undefined): Profile {
  const data = {
    Recipient: recipient,
    InResponseTo: '_r1',
    NotOnOrAfter: new Date(Date.now() + 300_000).toISOString(),
  };
  const assertion = {
    Assertion: {
      Issuer: [{ _: 'https://idp.example.com' }],
      Subject: [
        {
          SubjectConfirmation: [{ $: { Method: BEARER }, SubjectConfirmationData: [{ $: data }] }],
        },
      ],
    },
  };
  return {
    issuer: 'https://idp.example.com',
    nameID: 'alice',
    nameIDFormat: 'persistent',
    getAssertion: () => assertion,
    getSamlResponseXml: () => xml,
  } as unknown as Profile;
}

describe('SAML response validation', () => {
  it('takes a posted SAMLResponse only, of a bounded size, with no other SAML message', () => {
    expect(postedResponseProblem(post({ SAMLResponse: 'PHNhbWw+' }))).toBeUndefined();
    expect(postedResponseProblem(post(undefined))).toMatch(/no SAML response/);
    expect(postedResponseProblem(post({ SAMLResponse: '  ' }))).toMatch(/no SAML response/);
    expect(postedResponseProblem(post({ SAMLResponse: 42 }))).toMatch(/no SAML response/);
    expect(postedResponseProblem(post({ SAMLResponse: 'a'.repeat(1_000_001) }))).toMatch(
      /too large/,
    );
    expect(postedResponseProblem(post({ SAMLResponse: 'x' }, { SAMLRequest: 'y' }))).toMatch(
      /no SAML response/,
    );
    expect(postedResponseProblem(post({ SAMLResponse: 'x' }, { SAMLResponse: 'y' }))).toMatch(
      /no SAML response/,
    );
    expect(postedResponseProblem(post({ SAMLResponse: 'x', SAMLRequest: 'y' }))).toMatch(
      /no SAML response/,
    );
  });

  it('refuses a Response addressed to another service, or unreadable', async () => {
    await expect(destinationProblem(response(ACS), ACS)).resolves.toBeUndefined();
    await expect(destinationProblem(response(), ACS)).resolves.toBeUndefined();
    await expect(destinationProblem(response('https://evil/acs'), ACS)).resolves.toMatch(
      /destination/,
    );
    await expect(destinationProblem(undefined, ACS)).resolves.toMatch(/could not be read/);
  });

  it("checks the assertion's confirmation, then the Response's destination", async () => {
    const expected = { acs: ACS, requestId: '_r1', issuer: 'https://idp.example.com' };
    await expect(assertionProblem(profile(ACS, response(ACS)), expected)).resolves.toBeUndefined();
    await expect(
      assertionProblem(profile(ACS, response(ACS)), { ...expected, requestId: '_r2' }),
    ).resolves.toMatch(/does not answer/);
    await expect(
      assertionProblem(profile(ACS, response(ACS)), { ...expected, issuer: 'https://other' }),
    ).resolves.toMatch(/issuer/);
    await expect(
      assertionProblem(profile('https://evil/acs', response(ACS)), expected),
    ).resolves.toMatch(/recipient/);
    await expect(
      assertionProblem(profile(ACS, response('https://evil/acs')), expected),
    ).resolves.toMatch(/destination/);
  });

  it('says why node-saml refused a response, without more than a line of its words', () => {
    expect(responseRefusal(new SamlStatusError('Responder', 'xml'))).toBe(
      'The identity provider refused the sign-in (Responder).',
    );
    expect(responseRefusal(new Error('InResponseTo is not valid'))).toBe(
      'This sign-in is unknown, used or expired: start again.',
    );
    expect(responseRefusal(new Error('Invalid signature'))).toBe(
      "The identity provider's answer was refused: Invalid signature",
    );
    expect(responseRefusal('x'.repeat(300))).toBe(
      `The identity provider's answer was refused: ${'x'.repeat(200)}`,
    );
  });
});
