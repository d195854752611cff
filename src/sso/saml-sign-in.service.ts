import { Inject, Injectable } from '@nestjs/common';
import type { Profile } from '@node-saml/node-saml';
import type { Request } from 'express';
import { NotFound } from '#common';
import { AuthService, type LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FederatedSignIn, SsoRefused, type SsoRequestMeta } from './federated-sign-in.service';
import { assertionIdentity, assertionSubject } from './saml-assertion-identity';
import { type SamlExchange, samlOptions } from './saml-options';
import { SamlRequests } from './saml-requests';
import {
  assertionProblem,
  postedResponseProblem,
  responseRefusal,
} from './saml-response-validation';
import { type SamlSubject, SamlSessionRepository } from './saml-session.repository';
import { SamlSingleLogout, type SamlLogoutResult } from './saml-single-logout';
import { SamlStrategyHost } from './saml-strategy';
import { hashLoginKey, SsoLoginStateRepository } from './sso-login-state.repository';
import { failureMessage } from './sso-passport';
import type { SsoProvider } from './sso-providers.service';
import type { FederatedIdentity } from './sso-rules';
import { ssoUrls } from './sso-urls';

export { SAML_CLOCK_SKEW_MS } from './saml-options';
export type { SamlLogoutResult } from './saml-single-logout';

/** The key a SAML subject waits under while the person enters our second factor. */
const afterMfaKey = (challengeToken: string) => hashLoginKey(`saml-mfa:${challengeToken}`);

/** What the sign-on verify callback hands back: who signed in, and where they go. */
interface SamlSignedOn {
  identity: FederatedIdentity;
  subject?: SamlSubject;
  redirectTo: string;
}

/**
 * Sign-in through a tenant's SAML 2.0 identity provider, as a service provider on
 * node-saml through passport-saml's `MultiSamlStrategy` (`SamlStrategyHost`, with each
 * request's options for its provider from `samlOptions`): the AuthnRequest by the
 * HTTP-Redirect binding, its id kept in our shared store (`SamlRequests`, the strategy's
 * cache provider instead of node-saml's per-process memory) and taken once when the
 * response comes back; the response by the HTTP-POST binding, its assertion signed by the
 * IdP's certificate (a signed response alone is not enough; two assertions are refused),
 * optionally encrypted to our key, for our audience, in time; then, in the verify callback,
 * what node-saml leaves out (`assertionProblem`: recipient, the signed InResponseTo,
 * issuer, the Response's Destination). Then the tenant's rules and the session, shared with
 * OpenID Connect (`FederatedSignIn`). The session keeps the NameID and SessionIndex for
 * single logout (`SamlSingleLogout`), SP-initiated (`logoutUrl`) and IdP-initiated
 * (`logoutCallback`).
 */
@Injectable()
export class SamlSignIn {
  private readonly strategy: SamlStrategyHost;
  private readonly singleLogout: SamlSingleLogout;

  constructor(
    private readonly federated: FederatedSignIn,
    private readonly states: SsoLoginStateRepository,
    private readonly sessions: SamlSessionRepository,
    auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.strategy = new SamlStrategyHost((exchange) => samlOptions(exchange, config), {
      signedOn: (exchange, profile) => this.checkAssertion(exchange, profile),
      loggedOut: (exchange, nameId, sessionIndex) =>
        this.singleLogout.endSessionsOf(exchange.provider, nameId, sessionIndex),
    });
    this.singleLogout = new SamlSingleLogout(
      this.strategy,
      federated,
      states,
      sessions,
      auth,
      config,
    );
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
    return this.strategy.metadata(
      { provider, requests: new SamlRequests(this.states, provider.row), use: 'metadata' },
      encrypting ? provider.settings.sp_certificate! : null,
    );
  }

  /** The IdP's sign-in URL carrying our AuthnRequest, coming back to `target`. */
  async begin(provider: SsoProvider, target: string, req: Request): Promise<URL> {
    const requests = new SamlRequests(this.states, provider.row, {
      redirectTo: target,
      ttlMs: this.config.SSO_LOGIN_TTL_S * 1000,
    });
    const outcome = await this.strategy.run(
      req,
      { provider, requests, use: 'login' },
      { samlFallback: 'login-request' },
    );
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
    const posted = postedResponseProblem(req);
    if (posted) throw new SsoRefused(posted);
    const requests = new SamlRequests(this.states, provider.row);
    let result;
    try {
      result = await this.strategy.run(req, { provider, requests, use: 'login' });
    } catch (error) {
      throw error instanceof SsoRefused ? error : new SsoRefused(responseRefusal(error));
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
   * the request it answers (taken once: a replay finds none), what node-saml leaves out of
   * a signed assertion, and the identity in it.
   */
  private async checkAssertion(exchange: SamlExchange, profile: Profile): Promise<SamlSignedOn> {
    const { provider, requests } = exchange;
    const taken = requests.taken;
    if (!taken) throw new SsoRefused('This sign-in is unknown, used or expired: start again.');
    const problem = await assertionProblem(profile, {
      acs: ssoUrls.callback(this.config.publicUrl, provider.row.id),
      requestId: taken.id,
      issuer: provider.settings.idp_issuer,
    });
    if (problem) throw new SsoRefused(`The identity provider's answer was refused: ${problem}`);
    return {
      identity: assertionIdentity(profile, provider.settings),
      subject: assertionSubject(profile),
      redirectTo: taken.redirectTo,
    };
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

  /** Where to send the browser to end the IdP's session too (`SamlSingleLogout.logoutUrl`). */
  logoutUrl(tenantId: string, sessionId: string): Promise<URL | undefined> {
    return this.singleLogout.logoutUrl(tenantId, sessionId);
  }

  /** A logout message from the IdP (`SamlSingleLogout.logoutCallback`). */
  logoutCallback(providerId: string, req: Request): Promise<SamlLogoutResult> {
    return this.singleLogout.logoutCallback(providerId, req);
  }
}
