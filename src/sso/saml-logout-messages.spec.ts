import type { Request } from 'express';
import { deflateRawSync } from 'node:zlib';
import { SsoRefused } from './federated-sign-in.service';
import {
  type LogoutMessage,
  logoutMessageOf,
  logoutMessageRoot,
  logoutRefusal,
  logoutResponseProblem,
} from './saml-logout-messages';

const SLO = 'https://village.example.com/sso/saml/p1/logout/callback';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

const request = (method: string, body: unknown, query: unknown = {}) =>
  ({ method, body, query }) as Request;

function logoutResponse(fields: {
  status?: string;
  issuer?: string;
  destination?: string;
  inResponseTo?: string;
}) {
  const attributes = [
    fields.destination && `Destination="${fields.destination}"`,
    fields.inResponseTo && `InResponseTo="${fields.inResponseTo}"`,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l" ${attributes}>` +
    (fields.issuer ? `<saml:Issuer>${fields.issuer}</saml:Issuer>` : '') +
    (fields.status
      ? `<samlp:Status><samlp:StatusCode Value="${fields.status}"/></samlp:Status>`
      : '') +
    '</samlp:LogoutResponse>'
  );
}

const posted = (xml: string, kind: LogoutMessage['kind'] = 'SAMLResponse'): LogoutMessage => ({
  kind,
  post: true,
  encoded: Buffer.from(xml).toString('base64'),
  signatureGiven: false,
});

/** Our LogoutRequests in the store: each taken once. */
function store(...ids: string[]) {
  const waiting = new Set(ids);
  return {
    async getAsync(id: string) {
      return waiting.delete(id) ? '2026-01-01T12:00:00Z' : null;
    },
  };
}

describe('SAML logout messages', () => {
  it('reads one message, from the form when posted and from the query otherwise', () => {
    expect(logoutMessageOf(request('POST', { SAMLResponse: 'abc' }))).toEqual({
      kind: 'SAMLResponse',
      post: true,
      encoded: 'abc',
      signatureGiven: false,
    });
    expect(
      logoutMessageOf(
        request('GET', undefined, { SAMLRequest: 'abc', Signature: 's', SigAlg: 'rsa-sha256' }),
      ),
    ).toEqual({ kind: 'SAMLRequest', post: false, encoded: 'abc', signatureGiven: true });
    expect(
      logoutMessageOf(request('GET', {}, { SAMLRequest: 'abc', Signature: 's' })),
    ).toMatchObject({ signatureGiven: false });
  });

  it('refuses no message, two, one in the other place, or one too large', () => {
    const refused = (req: Request, message: RegExp) => {
      expect(() => logoutMessageOf(req)).toThrow(SsoRefused);
      expect(() => logoutMessageOf(req)).toThrow(message);
    };
    refused(request('POST', {}), /no logout message/);
    refused(request('POST', { SAMLResponse: 42 }), /no logout message/);
    refused(request('GET', { SAMLResponse: 'abc' }), /no logout message/);
    refused(request('POST', { SAMLResponse: 'a', SAMLRequest: 'b' }), /no logout message/);
    refused(request('POST', { SAMLResponse: 'a' }, { SAMLRequest: 'b' }), /no logout message/);
    refused(request('GET', { SAMLRequest: 'b' }, { SAMLResponse: 'a' }), /no logout message/);
    refused(request('POST', { SAMLResponse: 'a'.repeat(100_001) }), /too large/);
  });

  it('opens a posted or deflated message of the kind its field names, signed when redirected', async () => {
    const xml = logoutResponse({ status: SUCCESS });
    expect((await logoutMessageRoot(posted(xml))).localName).toBe('LogoutResponse');
    const redirected = (signatureGiven: boolean): LogoutMessage => ({
      kind: 'SAMLResponse',
      post: false,
      encoded: deflateRawSync(Buffer.from(xml)).toString('base64'),
      signatureGiven,
    });
    expect((await logoutMessageRoot(redirected(true))).localName).toBe('LogoutResponse');
    await expect(logoutMessageRoot(redirected(false))).rejects.toThrow('the message is not signed');
    await expect(logoutMessageRoot(posted(xml, 'SAMLRequest'))).rejects.toThrow(
      'not a logout message',
    );
  });

  it('takes a LogoutResponse of success, from the issuer, to us, answering our request once', async () => {
    const expected = { issuer: 'https://idp.example.com', destination: SLO };
    const good = {
      status: SUCCESS,
      issuer: 'https://idp.example.com',
      destination: SLO,
      inResponseTo: '_q1',
    };
    const problem = async (fields: typeof good | Partial<typeof good>, requests = store('_q1')) =>
      logoutResponseProblem(await logoutMessageRoot(posted(logoutResponse(fields))), {
        ...expected,
        requests,
      });
    const requests = store('_q1');
    await expect(problem(good, requests)).resolves.toBeUndefined();
    await expect(problem(good, requests)).resolves.toBe('it answers no sign-out of ours');
    await expect(
      problem({ ...good, status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }),
    ).resolves.toBe('the IdP answered urn:oasis:names:tc:SAML:2.0:status:Requester');
    await expect(problem({ ...good, status: undefined })).resolves.toBe(
      'the IdP answered no status',
    );
    await expect(problem({ ...good, issuer: 'https://other' })).resolves.toBe(
      'it comes from another issuer',
    );
    await expect(problem({ ...good, destination: 'https://evil/slo' })).resolves.toBe(
      'it is addressed to another service (destination)',
    );
    await expect(problem({ ...good, destination: undefined })).resolves.toBeUndefined();
    await expect(problem({ ...good, inResponseTo: undefined })).resolves.toBe(
      'it answers no sign-out of ours',
    );
    const anyIssuer = await logoutResponseProblem(
      await logoutMessageRoot(posted(logoutResponse({ ...good, issuer: 'https://other' }))),
      { issuer: undefined, destination: SLO, requests: store('_q1') },
    );
    expect(anyIssuer).toBeUndefined();
  });

  it('says why a logout message was refused in a few words', () => {
    expect(logoutRefusal(new Error('InResponseTo is missing'))).toBe(
      'it answers no sign-out of ours',
    );
    expect(logoutRefusal(new Error('Invalid signature'))).toBe('Invalid signature');
    expect(logoutRefusal('y'.repeat(300))).toBe('y'.repeat(200));
  });
});
