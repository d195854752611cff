import { Inject, Injectable } from '@nestjs/common';
import {
  type Profile,
  type SamlConfig,
  SamlStatusError,
  ValidateInResponseTo,
} from '@node-saml/node-saml';
// node-saml's own XML parser (xmldom, with its error handling); the package has no exports map.
import { parseDomFromString } from '@node-saml/node-saml/lib/xml';
import { MultiSamlStrategy, type VerifiedCallback } from '@node-saml/passport-saml';
import type { Request } from 'express';
import type passport from 'passport';
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
import { failureMessage, type SignInSession, signInSession, SsoPassport } from './sso-passport';
import type { SsoProvider } from './sso-providers.service';
import type { FederatedIdentity } from './sso-rules';
import { ssoUrls } from './sso-urls';

/** How far our clock and the IdP's may disagree on an assertion's validity. */
export const SAML_CLOCK_SKEW_MS = 60_000;
/** The largest SAMLResponse field read (base64). */
const MAX_RESPONSE_CHARS = 1_000_000;
/** The largest logout message read (a LogoutRequest or LogoutResponse, base64). */
const MAX_LOGOUT_CHARS = 100_000;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const SAML_FIELDS = ['SAMLResponse', 'SAMLRequest'] as const;

/** What a logout message from the IdP comes to: a sign-out done, or our answer to its request. */
export type SamlLogoutResult = { kind: 'signed-out' } | { kind: 'answer'; redirect: URL };

/** The key a SAML subject waits under while the person enters our second factor. */
const afterMfaKey = (challengeToken: string) => hashLoginKey(`saml-mfa:${challengeToken}`);

/**
 * One exchange with a SAML provider, as `getSamlOptions` finds it for its request: the
 * provider, node-saml's request-id cache on our shared store for this exchange, and what
 * the exchange is (a sign-in, a sign-out, the metadata).
 */
interface SamlExchange {
  provider: SsoProvider;
  requests: SamlRequests;
  use: 'login' | 'logout' | 'metadata';
}

/** What the sign-on verify callback hands back: who signed in, and where they go. */
interface SamlSignedOn {
  identity: FederatedIdentity;
  subject?: SamlSubject;
  redirectTo: string;
}

/** A request as the strategies see it: with the exchange's `req.session`. */
type SessionRequest = Request & { session?: SignInSession };

/**
 * The strategy's calls we make. passport-saml brings its own copy of express's types, which
 * ours do not match, so the strategy is typed here with the requests we hand it.
 */
interface SamlStrategy extends passport.Strategy {
  logout(req: object, callback: (err: Error | null, url?: string | null) => void): void;
  generateServiceProviderMetadata(
    req: object,
    decryptionCert: string | null,
    signingCert: null,
    callback: (err: Error | null, metadata?: string) => void,
  ): void;
}

/**
 * Sign-in through a tenant's SAML 2.0 identity provider, as a service provider on
 * node-saml through passport-saml's `MultiSamlStrategy` (one strategy, each request's
 * options for its provider): the AuthnRequest by the HTTP-Redirect binding, its id kept in
 * our shared store (`SamlRequests`, the strategy's cache provider instead of node-saml's
 * per-process memory) and taken once when the response comes back; the response by the
 * HTTP-POST binding, its assertion signed by the IdP's certificate (a signed response alone
 * is not enough; two assertions are refused), optionally encrypted to our key, for our
 * audience, in time; then, in the verify callback, what node-saml leaves out
 * (`confirmationProblem`: recipient, the signed InResponseTo, issuer) and the Response's
 * Destination. Then the tenant's rules and the session, shared with OpenID Connect
 * (`FederatedSignIn`). The session keeps the NameID and SessionIndex for single logout,
 * SP-initiated (`logoutUrl`) and IdP-initiated (`logoutCallback`).
 */
@Injectable()
export class SamlSignIn {
  private readonly passport = new SsoPassport();
  private readonly exchanges = new WeakMap<object, SamlExchange>();
  private readonly strategy: SamlStrategy;

  constructor(
    private readonly federated: FederatedSignIn,
    private readonly states: SsoLoginStateRepository,
    private readonly sessions: SamlSessionRepository,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.strategy = new MultiSamlStrategy(
      {
        name: 'sso-saml',
        passReqToCallback: true,
        getSamlOptions: (req, done) => {
          const exchange = this.exchanges.get(req);
          if (!exchange) return done(new Error('No SAML exchange for this request'));
          done(null, this.options(exchange));
        },
      },
      (req, profile, done) => this.signedOn(req, profile, done),
      (req, profile, done) => this.loggedOut(req, profile, done),
    ) as unknown as SamlStrategy;
  }

  /** Our service provider's metadata, for the IdP's administrator. */
  async metadata(providerId: string): Promise<string> {
    let provider: SsoProvider;
    try {
      provider = await this.federated.provider(providerId, ['saml']);
    } catch {
      throw new NotFound('sso-provider', providerId.slice(0, 100));
    }
    const encrypting = provider.decryptionPrivateKey && provider.settings.sp_certificate;
    const req = this.standIn(provider, 'metadata');
    return new Promise<string>((resolve, reject) =>
      this.strategy.generateServiceProviderMetadata(
        req,
        encrypting ? provider.settings.sp_certificate! : null,
        null,
        (error, xml) => (error || !xml ? reject(error) : resolve(xml)),
      ),
    );
  }

  /** The IdP's sign-in URL carrying our AuthnRequest, coming back to `target`. */
  async begin(provider: SsoProvider, target: string, req: Request): Promise<URL> {
    this.exchanges.set(req, {
      provider,
      requests: new SamlRequests(this.states, provider.row, {
        redirectTo: target,
        ttlMs: this.config.SSO_LOGIN_TTL_S * 1000,
      }),
      use: 'login',
    });
    const outcome = await this.passport.run(this.strategy, req, {
      samlFallback: 'login-request',
    });
    if (outcome.kind !== 'redirect') throw new SsoRefused('The sign-in could not be started.');
    return new URL(outcome.url);
  }

  /** Completes the sign-in the IdP posted back (the SAMLResponse form field). */
  async complete(
    providerId: string,
    req: Request,
    meta: SsoRequestMeta,
  ): Promise<{ outcome: LoginOutcome; redirectTo: string }> {
    const provider = await this.federated.provider(providerId, ['saml']);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const samlResponse = form.SAMLResponse;
    if (typeof samlResponse !== 'string' || !samlResponse.trim())
      throw new SsoRefused('The identity provider sent no SAML response.');
    if (samlResponse.length > MAX_RESPONSE_CHARS)
      throw new SsoRefused('The SAML response is too large.');
    // the strategy reads a message in the query first (the redirect binding of logout)
    if (SAML_FIELDS.some((f) => f in (req.query ?? {})) || 'SAMLRequest' in form)
      throw new SsoRefused('The identity provider sent no SAML response.');
    this.exchanges.set(req, {
      provider,
      requests: new SamlRequests(this.states, provider.row),
      use: 'login',
    });
    let result;
    try {
      result = await this.passport.run(this.strategy, req);
    } catch (error) {
      throw error instanceof SsoRefused ? error : new SsoRefused(refusal(error));
    }
    if (result.kind !== 'success')
      throw new SsoRefused(
        `The identity provider's answer was refused: ${
          (result.kind === 'fail' && failureMessage(result.info)) || 'it holds no assertion'
        }`,
      );
    const signedOn = result.user as SamlSignedOn;
    const outcome = await this.federated.finish(provider, signedOn.identity, meta);
    if (signedOn.subject) await this.remember(provider, outcome, signedOn.subject);
    return { outcome, redirectTo: signedOn.redirectTo };
  }

  /**
   * The strategy's sign-on verify callback, once node-saml has validated the response:
   * what it leaves out of a signed assertion, and the identity in it.
   */
  private signedOn(req: object, profile: Profile | null, done: VerifiedCallback): void {
    const exchange = this.exchanges.get(req);
    if (!exchange || exchange.use !== 'login' || !profile)
      return done(null, undefined, { message: 'The response holds no assertion.' });
    this.checkAssertion(exchange, profile).then(
      (signedOn) => done(null, signedOn as unknown as Record<string, unknown>),
      (error: Error) => done(error),
    );
  }

  private async checkAssertion(exchange: SamlExchange, profile: Profile): Promise<SamlSignedOn> {
    const { provider, requests } = exchange;
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
    const subject = profile.nameID
      ? {
          nameId: profile.nameID,
          nameIdFormat: profile.nameIDFormat || undefined,
          sessionIndex: profile.sessionIndex || undefined,
        }
      : undefined;
    return { identity, subject, redirectTo: taken.redirectTo };
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
   * SessionIndex of the sign-in, from the strategy's `logout`), when a SAML sign-in opened
   * this session and its provider has a `logout_url`; undefined otherwise. The request's id
   * is kept in the shared store, so the IdP's LogoutResponse is accepted once, by any
   * process. We hold no signing key of our own (`sp_certificate` is for encryption), so the
   * request goes unsigned.
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
    // the strategy reads the subject from `req.user`: a request of its own, not the route's
    const req = {
      user: {
        issuer: this.entityId(provider),
        nameID: link.nameId,
        nameIDFormat: link.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ...(link.sessionIndex ? { sessionIndex: link.sessionIndex } : {}),
      } satisfies Profile,
      query: {},
      body: {},
    };
    this.exchanges.set(req, { provider, requests, use: 'logout' });
    const url = await new Promise<string>((resolve, reject) =>
      this.strategy.logout(
        req as unknown as Parameters<MultiSamlStrategy['logout']>[0],
        (error, to) => (error || !to ? reject(error ?? new Error('no logout URL')) : resolve(to)),
      ),
    );
    return new URL(url);
  }

  /**
   * A logout message from the IdP at our single logout service, by either binding, always
   * signed by `idp_certificate` (node-saml lets an unsigned redirect through; we do not),
   * validated by the strategy: a LogoutResponse must then answer a LogoutRequest we sent
   * (its InResponseTo taken once from the shared store) with success; a LogoutRequest ends
   * the live sessions of its NameID (and SessionIndex, when it names one) in the strategy's
   * logout verify callback, and the strategy answers it with a LogoutResponse.
   */
  async logoutCallback(providerId: string, req: Request): Promise<SamlLogoutResult> {
    const provider = await this.federated.provider(providerId, ['saml']);
    if (!provider.settings.logout_url)
      throw new SsoRefused('This identity provider has no single logout.');
    const post = req.method === 'POST';
    const fields = ((post ? req.body : req.query) ?? {}) as Record<string, unknown>;
    const other = ((post ? req.query : req.body) ?? {}) as Record<string, unknown>;
    const kind = SAML_FIELDS.find((f) => typeof fields[f] === 'string');
    if (
      !kind ||
      SAML_FIELDS.some((f) => f in other) ||
      SAML_FIELDS.every((f) => f in fields) === true
    )
      throw new SsoRefused('The identity provider sent no logout message.');
    const encoded = fields[kind] as string;
    if (encoded.length > MAX_LOGOUT_CHARS) throw new SsoRefused('The logout message is too large.');
    this.exchanges.set(req, {
      provider,
      requests: new SamlRequests(this.states, provider.row, undefined, 'logout'),
      use: 'logout',
    });
    // passport's logout (the strategy's, for a LogoutRequest) ends `req.session`: this
    // exchange's own, since we keep no passport session
    (req as SessionRequest).session = signInSession();
    let root: XmlElement;
    let result;
    try {
      const bytes = Buffer.from(encoded, 'base64');
      root = await rootOf((post ? bytes : await inflate(bytes)).toString('utf8'));
      if (root.localName !== (kind === 'SAMLResponse' ? 'LogoutResponse' : 'LogoutRequest'))
        throw new Error('not a logout message');
      if (!post && (typeof fields.Signature !== 'string' || typeof fields.SigAlg !== 'string'))
        throw new Error('the message is not signed');
      result = await this.passport.run(this.strategy, req);
      if (result.kind === 'fail' || result.kind === 'success')
        throw new Error(
          failureMessage(result.kind === 'fail' ? result.info : undefined) ?? 'unexpected answer',
        );
      // Signed: now what node-saml leaves out of a LogoutResponse (its InResponseTo taken
      // only now, so a forged answer cannot use up the request it names).
      const problem =
        kind === 'SAMLResponse' ? await this.logoutResponseProblem(provider, root) : undefined;
      if (problem) throw new Error(problem);
    } catch (error) {
      if (error instanceof SsoRefused) throw error;
      throw new SsoRefused(
        `The identity provider's logout message was refused: ${logoutRefusal(error)}`,
      );
    }
    if (kind === 'SAMLResponse') {
      if (result.kind !== 'pass') throw new SsoRefused('The logout message was not understood.');
      return { kind: 'signed-out' };
    }
    if (result.kind !== 'redirect') throw new SsoRefused('The logout request was not answered.');
    return { kind: 'answer', redirect: new URL(result.url) };
  }

  /**
   * The strategy's logout verify callback, for a signed LogoutRequest from the IdP: the
   * live sessions of its subject end here. The strategy then answers Success when the user
   * handed back is the request's `req.user` (we keep no passport session, so there is none
   * to compare: the sessions named were ended either way).
   */
  private loggedOut(req: object, profile: Profile | null, done: VerifiedCallback): void {
    const exchange = this.exchanges.get(req);
    if (!exchange || exchange.use !== 'logout' || !profile?.nameID)
      return done(new SsoRefused("The identity provider's logout request names nobody."));
    this.endSessionsOf(exchange.provider, profile.nameID, profile.sessionIndex || undefined).then(
      () => done(null, (req as { user?: Record<string, unknown> }).user),
      (error: Error) => done(error),
    );
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

  /** A request of our own for the strategy's calls that need none of the route's. */
  private standIn(provider: SsoProvider, use: SamlExchange['use']): object {
    const req = { query: {}, body: {} };
    this.exchanges.set(req, {
      provider,
      requests: new SamlRequests(this.states, provider.row),
      use,
    });
    return req;
  }

  /**
   * node-saml's options for one exchange (it holds no state of its own worth keeping): its
   * request ids in our shared store, signed assertions only. For logout messages it also
   * checks the IdP's issuer, when one is set (the assertion's issuer is
   * `confirmationProblem`'s).
   */
  private options({ provider, requests, use }: SamlExchange): SamlConfig {
    const { settings } = provider;
    const entityId = this.entityId(provider);
    const encrypting = !!(provider.decryptionPrivateKey && settings.sp_certificate);
    return {
      ...(settings.logout_url
        ? {
            logoutUrl: settings.logout_url,
            logoutCallbackUrl: ssoUrls.samlLogoutCallback(this.config.publicUrl, provider.row.id),
          }
        : {}),
      ...(use === 'logout' && settings.idp_issuer ? { idpIssuer: settings.idp_issuer } : {}),
      issuer: entityId,
      audience: entityId,
      callbackUrl: ssoUrls.callback(this.config.publicUrl, provider.row.id),
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
      requestIdExpirationPeriodMs: this.config.SSO_LOGIN_TTL_S * 1000,
      cacheProvider: requests,
    };
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
