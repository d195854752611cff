import { type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import type { AppConfig } from '../config/app-config';
import type { SamlRequests } from './saml-requests';
import type { SsoProvider } from './sso-providers.service';
import { ssoUrls } from './sso-urls';

/** How far our clock and the IdP's may disagree on an assertion's validity. */
export const SAML_CLOCK_SKEW_MS = 60_000;

/** The settings node-saml's options are made from. */
export type SamlOptionsConfig = Pick<AppConfig, 'publicUrl' | 'SSO_LOGIN_TTL_S'>;

/**
 * One exchange with a SAML provider, as `getSamlOptions` finds it for its request: the
 * provider, node-saml's request-id cache on our shared store for this exchange, and what
 * the exchange is (a sign-in, a sign-out, the metadata).
 */
export interface SamlExchange {
  provider: SsoProvider;
  requests: SamlRequests;
  use: 'login' | 'logout' | 'metadata';
}

/** Our entity id with this provider: its issuer in our requests, the audience we expect. */
export function samlEntityId(config: SamlOptionsConfig, provider: SsoProvider): string {
  return ssoUrls.samlEntityId(config.publicUrl, provider.row.id, provider.settings);
}

/**
 * node-saml's options for one exchange (it holds no state of its own worth keeping), from
 * which the strategy builds the AuthnRequest and its redirect, the LogoutRequest and the
 * metadata, and checks the IdP's answers: its request ids in our shared store, signed
 * assertions only, for our audience, in time. For logout messages it also checks the
 * IdP's issuer, when one is set (the assertion's issuer is `confirmationProblem`'s).
 */
export function samlOptions(
  { provider, requests, use }: SamlExchange,
  config: SamlOptionsConfig,
): SamlConfig {
  const { settings } = provider;
  const entityId = samlEntityId(config, provider);
  const encrypting = !!(provider.decryptionPrivateKey && settings.sp_certificate);
  return {
    ...(settings.logout_url
      ? {
          logoutUrl: settings.logout_url,
          logoutCallbackUrl: ssoUrls.samlLogoutCallback(config.publicUrl, provider.row.id),
        }
      : {}),
    ...(use === 'logout' && settings.idp_issuer ? { idpIssuer: settings.idp_issuer } : {}),
    issuer: entityId,
    audience: entityId,
    callbackUrl: ssoUrls.callback(config.publicUrl, provider.row.id),
    entryPoint: settings.entry_point,
    idpCert: settings.idp_certificate!,
    // the metadata names the key's certificate, and publishes no key without one
    ...(use !== 'metadata' || encrypting ? { decryptionPvk: provider.decryptionPrivateKey } : {}),
    identifierFormat: settings.name_id_format ?? null,
    // Asking for one authentication context makes many IdPs refuse MFA or passwordless.
    disableRequestedAuthnContext: true,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    // a logout message's InResponseTo is checked by `logoutResponseProblem`, after its
    // signature (node-saml would look for it on a sign-in's Response only)
    validateInResponseTo:
      use === 'login' ? ValidateInResponseTo.always : ValidateInResponseTo.never,
    requestIdExpirationPeriodMs: config.SSO_LOGIN_TTL_S * 1000,
    cacheProvider: requests,
  };
}
