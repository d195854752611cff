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
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { NotFound } from '#common';
import { AuthService, type LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FederatedSignIn, SsoRefused, type SsoRequestMeta } from './federated-sign-in.service';
import { SamlRequests } from './saml-requests';
import { authnContextsOf, confirmationProblem, samlIdentity } from './saml-rules';
import { type SamlSubject, SamlSessionRepository } from './saml-session.repository';
import { hashLoginKey, SsoLoginStateRepository } from './sso-login-state.repository';
import type { SsoProvider } from './sso-providers.service';
import { ssoUrls } from './sso-urls';

/** How far our clock and the IdP's may disagree on an assertion's validity. */
export const SAML_CLOCK_SKEW_MS = 60_000;
/** The largest SAMLResponse field read (base64). */
const MAX_RESPONSE_CHARS = 1_000_000;
/** The largest logout message read (a LogoutRequest or LogoutResponse, base64). */
const MAX_LOGOUT_CHARS = 100_000;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** A logout message from the IdP, as the browser brought it (either binding). */
export interface SamlLogoutMessage {
  method: string;
  /** The query string as sent: the redirect binding's signature covers it byte for byte. */
  rawQuery: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** What a logout message from the IdP comes to: a sign-out done, or our answer to its request. */
export type SamlLogoutResult = { kind: 'signed-out' } | { kind: 'answer'; redirect: URL };

/** The key a SAML subject waits under while the person enters our second factor. */
const afterMfaKey = (challengeToken: string) => hashLoginKey(`saml-mfa:${challengeToken}`);

/**
 * Sign-in through a tenant's SAML 2.0 identity provider, as a service provider on
 * node-saml: the AuthnRequest by the HTTP-Redirect binding, its id kept in our shared store
 * (`SamlRequests`) and taken once when the response comes back; the response by the
 * HTTP-POST binding, its assertion signed by the IdP's certificate (a signed response alone
 * is not enough; two assertions are refused), optionally encrypted to our key, for our
 * audience, in time; then what node-saml leaves out (`confirmationProblem`: recipient, the
 * signed InResponseTo, issuer) and the Response's Destination. Then the tenant's rules and
 * the session, shared with OpenID Connect (`FederatedSignIn`). The session keeps the NameID
 * and SessionIndex for single logout, SP-initiated (`logoutUrl`) and IdP-initiated
 * (`logoutCallback`).
 */
@Injectable()
export class SamlSignIn {
  constructor(
    private readonly federated: FederatedSignIn,
    private readonly states: SsoLoginStateRepository,
    private readonly sessions: SamlSessionRepository,
    private readonly auth: AuthService,
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
      ...(settings.logout_url
        ? { logoutCallbackUrl: ssoUrls.samlLogoutCallback(this.config.publicUrl, provider.row.id) }
        : {}),
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
    if (profile.nameID)
      await this.remember(provider, outcome, {
        nameId: profile.nameID,
        nameIdFormat: profile.nameIDFormat || undefined,
        sessionIndex: profile.sessionIndex || undefined,
      });
    return { outcome, redirectTo: taken.redirectTo };
  }

  /**
   * Keeps the subject and the IdP's session index with the session this sign-in opened, for
   * single logout; when our second factor comes first, until it is entered (`afterMfa`).
   */
  private async remember(
    provider: SsoProvider,
    outcome: LoginOutcome,
    subject: SamlSubject,
  ): Promise<void> {
    const link = { tenantId: provider.row.tenant_id, providerId: provider.row.id, ...subject };
    if (outcome.status === 'authenticated') {
      await this.sessions.insert({ ...link, sessionId: outcome.session.id });
      return;
    }
    await this.states.insert({
      stateHash: afterMfaKey(outcome.challenge.token),
      providerId: provider.row.id,
      tenantId: provider.row.tenant_id,
      payload: { saml_subject: subject },
      expiresAt: outcome.challenge.expiresAt,
    });
  }

  /** The second factor completed a SAML sign-in: its session keeps the SAML subject. */
  async afterMfa(challengeToken: string, sessionId: string): Promise<void> {
    const waiting = await this.states.takeAny(afterMfaKey(challengeToken));
    const subject = waiting?.payload.saml_subject as SamlSubject | undefined;
    if (!waiting || !subject?.nameId) return;
    await this.sessions.insert({
      sessionId,
      tenantId: waiting.tenantId,
      providerId: waiting.providerId,
      nameId: subject.nameId,
      nameIdFormat: subject.nameIdFormat,
      sessionIndex: subject.sessionIndex,
    });
  }

  /**
   * Where to send the browser to end the IdP's session too (SP-initiated single logout, a
   * LogoutRequest by the HTTP-Redirect binding naming the NameID, its format and the
   * SessionIndex of the sign-in), when a SAML sign-in opened this session and its provider
   * has a `logout_url`; undefined otherwise. The request's id is kept in the shared store,
   * so the IdP's LogoutResponse is accepted once, by any process. We hold no signing key of
   * our own (`sp_certificate` is for encryption), so the request goes unsigned.
   */
  async logoutUrl(tenantId: string, sessionId: string): Promise<URL | undefined> {
    const link = await this.sessions.bySession(tenantId, sessionId);
    if (!link) return undefined;
    const provider = await this.federated.provider(link.providerId, ['saml']);
    if (!provider.settings.logout_url) return undefined;
    const requests = new SamlRequests(
      this.states,
      provider.row,
      { redirectTo: '/', ttlMs: this.config.SSO_LOGIN_TTL_S * 1000 },
      'logout',
    );
    const subject = {
      issuer: this.entityId(provider),
      nameID: link.nameId,
      nameIDFormat: link.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      ...(link.sessionIndex ? { sessionIndex: link.sessionIndex } : {}),
    } satisfies Profile;
    return new URL(await this.saml(provider, requests).getLogoutUrlAsync(subject, '', {}));
  }

  /**
   * A logout message from the IdP at our single logout service, by either binding, always
   * signed by `idp_certificate` (node-saml lets an unsigned redirect through; we do not):
   * a LogoutResponse must answer a LogoutRequest we sent (its InResponseTo taken once from
   * the shared store) with success; a LogoutRequest ends the live sessions of its NameID
   * (and SessionIndex, when it names one) and is answered by a LogoutResponse.
   */
  async logoutCallback(providerId: string, message: SamlLogoutMessage): Promise<SamlLogoutResult> {
    const provider = await this.federated.provider(providerId, ['saml']);
    if (!provider.settings.logout_url)
      throw new SsoRefused('This identity provider has no single logout.');
    const fields = message.method === 'POST' ? message.body : message.query;
    const kind =
      typeof fields.SAMLResponse === 'string'
        ? 'SAMLResponse'
        : typeof fields.SAMLRequest === 'string'
          ? 'SAMLRequest'
          : undefined;
    if (!kind) throw new SsoRefused('The identity provider sent no logout message.');
    const encoded = fields[kind] as string;
    if (encoded.length > MAX_LOGOUT_CHARS) throw new SsoRefused('The logout message is too large.');
    const relayState = typeof fields.RelayState === 'string' ? fields.RelayState : undefined;
    const saml = this.saml(provider, new SamlRequests(this.states, provider.row), {
      logout: true,
    });
    let result: Awaited<ReturnType<SAML['validateRedirectAsync']>>;
    try {
      const bytes = Buffer.from(encoded, 'base64');
      const root = await rootOf(
        (message.method === 'POST' ? bytes : await inflate(bytes)).toString('utf8'),
      );
      if (root.localName !== (kind === 'SAMLResponse' ? 'LogoutResponse' : 'LogoutRequest'))
        throw new Error('not a logout message');
      if (message.method === 'POST')
        result =
          kind === 'SAMLRequest'
            ? await saml.validatePostRequestAsync({ SAMLRequest: encoded })
            : await saml.validatePostResponseAsync({ SAMLResponse: encoded });
      else {
        // node-saml lets a redirect without a signature through
        if (typeof fields.Signature !== 'string' || typeof fields.SigAlg !== 'string')
          throw new Error('the message is not signed');
        result = await saml.validateRedirectAsync(
          {
            [kind]: encoded,
            Signature: fields.Signature,
            SigAlg: fields.SigAlg,
            ...(relayState ? { RelayState: relayState } : {}),
          },
          message.rawQuery,
        );
      }
      // Signed: now what node-saml leaves out of a LogoutResponse (its InResponseTo taken
      // only now, so a forged answer cannot use up the request it names).
      const problem =
        kind === 'SAMLResponse' ? await this.logoutResponseProblem(provider, root) : undefined;
      if (problem) throw new Error(problem);
    } catch (error) {
      throw new SsoRefused(
        `The identity provider's logout message was refused: ${logoutRefusal(error)}`,
      );
    }
    if (kind === 'SAMLResponse') return { kind: 'signed-out' };
    const profile = result.profile;
    if (!profile?.nameID || !profile.ID)
      throw new SsoRefused("The identity provider's logout request names nobody.");
    await this.endSessionsOf(provider, profile.nameID, profile.sessionIndex || undefined);
    const answer = await saml.getLogoutResponseUrlAsync(profile, relayState ?? '', {}, true);
    return { kind: 'answer', redirect: new URL(answer) };
  }

  /** The live sessions here of the subject (and IdP session) a LogoutRequest names, ended. */
  private async endSessionsOf(
    provider: SsoProvider,
    nameId: string,
    sessionIndex: string | undefined,
  ): Promise<void> {
    const live = await this.sessions.liveOf(provider.row.tenant_id, provider.row.id, {
      nameId,
      sessionIndex,
    });
    for (const session of live) await this.auth.logout(session);
  }

  /**
   * What a posted, signed LogoutResponse must also say: success, from the expected issuer,
   * addressed to our single logout service, in response to a LogoutRequest of ours (taken
   * once from the shared store).
   */
  private async logoutResponseProblem(
    provider: SsoProvider,
    root: XmlElement,
  ): Promise<string | undefined> {
    const requests = new SamlRequests(this.states, provider.row, undefined, 'logout');
    const child = (parent: XmlElement, name: string) =>
      Array.from(parent.childNodes as ArrayLike<XmlElement>).find(
        (n) => n.nodeType === 1 && n.localName === name,
      );
    const status = child(child(root, 'Status') ?? root, 'StatusCode')?.getAttribute('Value');
    if (status !== SUCCESS) return `the IdP answered ${status ?? 'no status'}`;
    const issuer = child(root, 'Issuer')?.textContent ?? undefined;
    if (provider.settings.idp_issuer && issuer !== provider.settings.idp_issuer)
      return 'it comes from another issuer';
    const destination = root.getAttribute('Destination');
    if (
      destination &&
      destination !== ssoUrls.samlLogoutCallback(this.config.publicUrl, provider.row.id)
    )
      return 'it is addressed to another service (destination)';
    const inResponseTo = root.getAttribute('InResponseTo');
    if (!inResponseTo || !(await requests.getAsync(inResponseTo)))
      return 'it answers no sign-out of ours';
    return undefined;
  }

  private entityId(provider: SsoProvider): string {
    return ssoUrls.samlEntityId(this.config.publicUrl, provider.row.id, provider.settings);
  }

  /**
   * node-saml for one provider and one sign-in or sign-out (it holds no state of its own
   * worth keeping). For logout messages it also checks the IdP's issuer, when one is set
   * (the assertion's issuer is `confirmationProblem`'s).
   */
  private saml(provider: SsoProvider, requests: SamlRequests, use = { logout: false }): SAML {
    const { settings } = provider;
    const entityId = this.entityId(provider);
    return new SAML({
      ...(settings.logout_url
        ? {
            logoutUrl: settings.logout_url,
            logoutCallbackUrl: ssoUrls.samlLogoutCallback(this.config.publicUrl, provider.row.id),
          }
        : {}),
      ...(use.logout && settings.idp_issuer ? { idpIssuer: settings.idp_issuer } : {}),
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
      // a logout message's InResponseTo is checked by `logoutResponseProblem`, after its
      // signature (node-saml would look for it on a sign-in's Response only)
      validateInResponseTo: use.logout ? ValidateInResponseTo.never : ValidateInResponseTo.always,
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

const inflate = promisify(inflateRaw);

/** What is read of a logout message's elements (xmldom's, by node-saml's own parser). */
interface XmlElement {
  nodeType: number;
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
}

/** The root element of a logout message. */
async function rootOf(xml: string): Promise<XmlElement> {
  return (await parseDomFromString(xml)).documentElement as XmlElement;
}

/** Why a logout message was refused, in a few words. */
function logoutRefusal(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/InResponseTo/i.test(message)) return 'it answers no sign-out of ours';
  return message.slice(0, 200);
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
