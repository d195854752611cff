import { ValidateInResponseTo } from '@node-saml/node-saml';
import { type SamlExchange, samlEntityId, samlOptions } from './saml-options';
import type { SamlRequests } from './saml-requests';
import type { SsoProviderRow } from './sso-provider.repository';
import type { SsoProvider } from './sso-providers.service';

const config = { publicUrl: 'https://village.example.com', SSO_LOGIN_TTL_S: 600 };
const requests = {} as SamlRequests;

function provider(settings: SsoProvider['settings'], key?: string): SsoProvider {
  return {
    row: { id: 'p1', tenant_id: 't1' } as SsoProviderRow,
    settings: {
      entry_point: 'https://idp.example.com/sso',
      idp_certificate: 'IDP-CERT',
      ...settings,
    },
    decryptionPrivateKey: key,
  };
}

const exchange = (p: SsoProvider, use: SamlExchange['use']): SamlExchange => ({
  provider: p,
  requests,
  use,
});

describe('SAML options', () => {
  it('asks for signed assertions for our entity id, answering a request in our store', () => {
    const options = samlOptions(exchange(provider({}), 'login'), config);
    expect(options).toMatchObject({
      issuer: 'https://village.example.com/sso/saml/p1',
      audience: 'https://village.example.com/sso/saml/p1',
      callbackUrl: 'https://village.example.com/sso/callback/p1',
      entryPoint: 'https://idp.example.com/sso',
      idpCert: 'IDP-CERT',
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: 60_000,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: 600_000,
    });
    expect(options.cacheProvider).toBe(requests);
    expect(options).not.toHaveProperty('logoutUrl');
    expect(options).not.toHaveProperty('idpIssuer');
  });

  it("uses the provider's entity id and NameID format when it names them", () => {
    const p = provider({
      sp_entity_id: 'urn:village:acme',
      name_id_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
    expect(samlEntityId(config, p)).toBe('urn:village:acme');
    expect(samlOptions(exchange(p, 'login'), config)).toMatchObject({
      issuer: 'urn:village:acme',
      audience: 'urn:village:acme',
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
  });

  it('checks the issuer of logout messages itself, and leaves their InResponseTo to us', () => {
    const p = provider({
      logout_url: 'https://idp.example.com/slo',
      idp_issuer: 'https://idp.example.com',
    });
    expect(samlOptions(exchange(p, 'logout'), config)).toMatchObject({
      logoutUrl: 'https://idp.example.com/slo',
      logoutCallbackUrl: 'https://village.example.com/sso/saml/p1/logout/callback',
      idpIssuer: 'https://idp.example.com',
      validateInResponseTo: ValidateInResponseTo.never,
    });
    const login = samlOptions(exchange(p, 'login'), config);
    expect(login.logoutUrl).toBe('https://idp.example.com/slo');
    expect(login).not.toHaveProperty('idpIssuer');
  });

  it('publishes the decryption key in the metadata only with its certificate', () => {
    const keyOnly = provider({}, 'KEY');
    expect(samlOptions(exchange(keyOnly, 'login'), config).decryptionPvk).toBe('KEY');
    expect(samlOptions(exchange(keyOnly, 'metadata'), config)).not.toHaveProperty('decryptionPvk');
    const withCertificate = provider({ sp_certificate: 'SP-CERT' }, 'KEY');
    expect(samlOptions(exchange(withCertificate, 'metadata'), config).decryptionPvk).toBe('KEY');
    expect(samlOptions(exchange(withCertificate, 'metadata'), config).validateInResponseTo).toBe(
      ValidateInResponseTo.never,
    );
  });
});
