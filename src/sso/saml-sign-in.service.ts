import { Inject, Injectable } from '@nestjs/common';
import {
  generateServiceProviderMetadata,
  type Profile,
  SAML,
  SamlStatusError,
  ValidateInResponseTo,
} from '@node-saml/node-saml';
// node-saml's own XML parser (xmldom, with its error handling); the package has no exports map.
import { parseDomFromString } from '@node-saml/node-saml/lib/xml';
import { NotFound } from '#common';
import type { LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FederatedSignIn, SsoRefused, type SsoRequestMeta } from './federated-sign-in.service';
import { SamlRequests } from './saml-requests';
import { authnContextsOf, confirmationProblem, samlIdentity } from './saml-rules';
import { SsoLoginStateRepository } from './sso-login-state.repository';
import type { SsoProvider } from './sso-providers.service';
import { ssoUrls } from './sso-urls';

/** How far our clock and the IdP's may disagree on an assertion's validity. */
export const SAML_CLOCK_SKEW_MS = 60_000;
/** The largest SAMLResponse field read (base64). */
const MAX_RESPONSE_CHARS = 1_000_000;

/**
 * Sign-in through a tenant's SAML 2.0 identity provider, as a service provider on
 * node-saml: the AuthnRequest by the HTTP-Redirect binding, its id kept in our shared store
 * (`SamlRequests`) and taken once when the response comes back; the response by the
 * HTTP-POST binding, its assertion signed by the IdP's certificate (a signed response alone
 * is not enough; two assertions are refused), optionally encrypted to our key, for our
 * audience, in time; then what node-saml leaves out (`confirmationProblem`: recipient, the
 * signed InResponseTo, issuer) and the Response's Destination. Then the tenant's rules and
 * the session, shared with OpenID Connect (`FederatedSignIn`).
 */
@Injectable()
export class SamlSignIn {
  constructor(
    private readonly federated: FederatedSignIn,
    private readonly states: SsoLoginStateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Our service provider's metadata, for the IdP's administrator. */
  async metadata(providerId: string): Promise<string> {
    let provider: SsoProvider;
    try {
      provider = await this.federated.provider(providerId, ['saml']);
    } catch {
      throw new NotFound('sso-provider', providerId.slice(0, 100));
    }
    const { settings } = provider;
    const encrypting = provider.decryptionPrivateKey && settings.sp_certificate;
    return generateServiceProviderMetadata({
      issuer: this.entityId(provider),
      callbackUrl: ssoUrls.callback(this.config.publicUrl, provider.row.id),
      identifierFormat: settings.name_id_format ?? null,
      wantAssertionsSigned: true,
      ...(encrypting
        ? { decryptionPvk: provider.decryptionPrivateKey, decryptionCert: settings.sp_certificate }
        : {}),
    });
  }

  /** The IdP's sign-in URL carrying our AuthnRequest, coming back to `target`. */
  async begin(provider: SsoProvider, target: string): Promise<URL> {
    const requests = new SamlRequests(this.states, provider.row, {
      redirectTo: target,
      ttlMs: this.config.SSO_LOGIN_TTL_S * 1000,
    });
    return new URL(await this.saml(provider, requests).getAuthorizeUrlAsync('', undefined, {}));
  }

  /** Completes the sign-in the IdP posted back (the SAMLResponse form field). */
  async complete(
    providerId: string,
    samlResponse: unknown,
    meta: SsoRequestMeta,
  ): Promise<{ outcome: LoginOutcome; redirectTo: string }> {
    const provider = await this.federated.provider(providerId, ['saml']);
    if (typeof samlResponse !== 'string' || !samlResponse.trim())
      throw new SsoRefused('The identity provider sent no SAML response.');
    if (samlResponse.length > MAX_RESPONSE_CHARS)
      throw new SsoRefused('The SAML response is too large.');
    const requests = new SamlRequests(this.states, provider.row);
    let profile: Profile;
    try {
      const result = await this.saml(provider, requests).validatePostResponseAsync({
        SAMLResponse: samlResponse,
      });
      if (!result.profile) throw new Error('no assertion');
      profile = result.profile;
    } catch (error) {
      throw new SsoRefused(refusal(error));
    }
    const taken = requests.taken;
    if (!taken) throw new SsoRefused('This sign-in is unknown, used or expired: start again.');
    const acs = ssoUrls.callback(this.config.publicUrl, provider.row.id);
    const assertion = profile.getAssertion?.();
    const problem =
      confirmationProblem(assertion, {
        recipient: acs,
        requestId: taken.id,
        issuer: provider.settings.idp_issuer,
        now: Date.now(),
        skewMs: SAML_CLOCK_SKEW_MS,
      }) ?? (await destinationProblem(profile.getSamlResponseXml?.(), acs));
    if (problem) throw new SsoRefused(`The identity provider's answer was refused: ${problem}`);
    const identity = samlIdentity(
      {
        nameId: profile.nameID || undefined,
        nameIdFormat: profile.nameIDFormat || undefined,
        attributes: (profile.attributes ?? {}) as Record<string, unknown>,
        authnContexts: authnContextsOf(assertion),
      },
      provider.settings,
    );
    const outcome = await this.federated.finish(provider, identity, meta);
    return { outcome, redirectTo: taken.redirectTo };
  }

  private entityId(provider: SsoProvider): string {
    return ssoUrls.samlEntityId(this.config.publicUrl, provider.row.id, provider.settings);
  }

  /** node-saml for one provider and one sign-in (it holds no state of its own worth keeping). */
  private saml(provider: SsoProvider, requests: SamlRequests): SAML {
    const { settings } = provider;
    const entityId = this.entityId(provider);
    return new SAML({
      issuer: entityId,
      audience: entityId,
      callbackUrl: ssoUrls.callback(this.config.publicUrl, provider.row.id),
      entryPoint: settings.entry_point,
      idpCert: settings.idp_certificate!,
      decryptionPvk: provider.decryptionPrivateKey,
      identifierFormat: settings.name_id_format ?? null,
      // Asking for one authentication context makes many IdPs refuse MFA or passwordless.
      disableRequestedAuthnContext: true,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: this.config.SSO_LOGIN_TTL_S * 1000,
      cacheProvider: requests,
    });
  }
}

/** A Response addressed elsewhere (its Destination, when it names one) is not for us. */
async function destinationProblem(
  xml: string | undefined,
  acs: string,
): Promise<string | undefined> {
  if (!xml) return 'The response could not be read.';
  const destination = (await parseDomFromString(xml)).documentElement.getAttribute('Destination');
  return destination && destination !== acs
    ? 'The response is addressed to another service (destination).'
    : undefined;
}

/** What the person reads when node-saml refuses a response. */
function refusal(error: unknown): string {
  if (error instanceof SamlStatusError)
    return `The identity provider refused the sign-in (${error.message.slice(0, 150)}).`;
  const message = error instanceof Error ? error.message : String(error);
  if (/InResponseTo/i.test(message))
    return 'This sign-in is unknown, used or expired: start again.';
  return `The identity provider's answer was refused: ${message.slice(0, 200)}`;
}
