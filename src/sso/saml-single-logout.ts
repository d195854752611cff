import type { Profile } from '@node-saml/node-saml';
import type { Request } from 'express';
import type { AuthService } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { type FederatedSignIn, SsoRefused } from './federated-sign-in.service';
import {
  logoutMessageOf,
  logoutMessageRoot,
  logoutRefusal,
  logoutResponseProblem,
} from './saml-logout-messages';
import { samlEntityId } from './saml-options';
import { SamlRequests } from './saml-requests';
import type { SamlSessionRepository } from './saml-session.repository';
import type { SamlStrategyHost } from './saml-strategy';
import type { SsoLoginStateRepository } from './sso-login-state.repository';
import { failureMessage, type SignInSession, signInSession } from './sso-passport';
import type { SsoProvider } from './sso-providers.service';
import { ssoUrls } from './sso-urls';

/** What a logout message from the IdP comes to: a sign-out done, or our answer to its request. */
export type SamlLogoutResult = { kind: 'signed-out' } | { kind: 'answer'; redirect: URL };

/** A request as the strategies see it: with the exchange's `req.session`. */
type SessionRequest = Request & { session?: SignInSession };

/**
 * SAML single logout, SP-initiated (`logoutUrl`) and IdP-initiated (`logoutCallback`), for
 * the sessions a SAML sign-in opened (their NameID and SessionIndex kept in
 * `SamlSessionRepository`), through the sign-in's strategy.
 */
export class SamlSingleLogout {
  constructor(
    private readonly strategy: SamlStrategyHost,
    private readonly federated: FederatedSignIn,
    private readonly states: SsoLoginStateRepository,
    private readonly sessions: SamlSessionRepository,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

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
        issuer: samlEntityId(this.config, provider),
        nameID: link.nameId,
        nameIDFormat: link.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ...(link.sessionIndex ? { sessionIndex: link.sessionIndex } : {}),
      } satisfies Profile,
      query: {},
      body: {},
    };
    const url = await this.strategy.logoutRedirect(req, { provider, requests, use: 'logout' });
    return new URL(url);
  }

  /**
   * A logout message from the IdP at our single logout service, by either binding, always
   * signed by `idp_certificate` (node-saml lets an unsigned redirect through; we do not),
   * validated by the strategy: a LogoutResponse must then answer a LogoutRequest we sent
   * (its InResponseTo taken once from the shared store) with success; a LogoutRequest ends
   * the live sessions of its NameID (and SessionIndex, when it names one) in the strategy's
   * logout verify callback (`endSessionsOf`), and the strategy answers it with a
   * LogoutResponse.
   */
  async logoutCallback(providerId: string, req: Request): Promise<SamlLogoutResult> {
    const provider = await this.federated.provider(providerId, ['saml']);
    if (!provider.settings.logout_url)
      throw new SsoRefused('This identity provider has no single logout.');
    const message = logoutMessageOf(req);
    const exchange = {
      provider,
      requests: new SamlRequests(this.states, provider.row, undefined, 'logout'),
      use: 'logout' as const,
    };
    // passport's logout (the strategy's, for a LogoutRequest) ends `req.session`: this
    // exchange's own, since we keep no passport session
    (req as SessionRequest).session = signInSession();
    let result;
    try {
      const root = await logoutMessageRoot(message);
      result = await this.strategy.run(req, exchange);
      if (result.kind === 'fail' || result.kind === 'success')
        throw new Error(
          failureMessage(result.kind === 'fail' ? result.info : undefined) ?? 'unexpected answer',
        );
      // Signed: now what node-saml leaves out of a LogoutResponse (its InResponseTo taken
      // only now, so a forged answer cannot use up the request it names).
      const problem =
        message.kind === 'SAMLResponse'
          ? await logoutResponseProblem(root, {
              issuer: provider.settings.idp_issuer,
              destination: ssoUrls.samlLogoutCallback(this.config.publicUrl, provider.row.id),
              requests: new SamlRequests(this.states, provider.row, undefined, 'logout'),
            })
          : undefined;
      if (problem) throw new Error(problem);
    } catch (error) {
      if (error instanceof SsoRefused) throw error;
      throw new SsoRefused(
        `The identity provider's logout message was refused: ${logoutRefusal(error)}`,
      );
    }
    if (message.kind === 'SAMLResponse') {
      if (result.kind !== 'pass') throw new SsoRefused('The logout message was not understood.');
      return { kind: 'signed-out' };
    }
    if (result.kind !== 'redirect') throw new SsoRefused('The logout request was not answered.');
    return { kind: 'answer', redirect: new URL(result.url) };
  }

  /** The live sessions here of the subject (and IdP session) a LogoutRequest names, ended. */
  async endSessionsOf(
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
}
