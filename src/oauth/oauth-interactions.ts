import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Interaction } from 'oidc-provider';
import { AuthService, type SignedIn } from '../auth/auth.service';
import { Authenticator, readCookie } from '../auth/authenticator.service';
import { SessionCookies } from '../auth/session-cookies';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { MfaChallenges } from '../mfa/mfa-challenges.service';
import type { MfaFactor } from '../mfa/mfa-verifier.service';
import { DEVICE_COOKIE } from '../mfa/trusted-devices.service';
import { RbacService } from '../rbac/rbac.service';
import { SESSION_COOKIE, SessionsService } from '../sessions/sessions.service';
import { securityEvents } from '../observability/security-events';
import { AuthorizationServer } from './authorization-server.service';
import { decideConsent } from './consent';
import { readInteractionForm } from './interaction-form';
import { consentPage, interactionErrorPage, loginPage, mfaPage } from './interaction-pages';
import type { OAuthClientDirectory, RegisteredClient } from './oauth-client-directory';
import { OAUTH_CLIENT_DIRECTORY } from './oauth-client-directory.provider';

interface SignedInUser {
  userId: string;
  tenantId: string;
}

/**
 * The authorization server's interactions: our sign-in (email and password, then the second
 * factor, ending in our session cookie, or the session the browser already holds) and the
 * consent page. The provider hands each interaction over by a uid bound to its own cookie,
 * so a page cannot be driven from another browser.
 */
@Injectable()
export class OAuthInteractions {
  private readonly logger = new Logger('OAuthInteractions');
  private readonly cookies: SessionCookies;

  constructor(
    private readonly server: AuthorizationServer,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly challenges: MfaChallenges,
    private readonly users: UsersService,
    private readonly rbac: RbacService,
    private readonly authenticator: Authenticator,
    @Inject(OAUTH_CLIENT_DIRECTORY) private readonly clients: OAuthClientDirectory,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.SESSION_COOKIE_SECURE);
  }

  /** GET /oauth/interaction/:uid: sign-in or consent, whichever the provider asks for. */
  async show(req: Request, res: Response): Promise<void> {
    await this.guarded(res, async () => {
      const details = await this.details(req, res);
      const client = await this.client(details);
      if (details.prompt.name === 'login') {
        const user = await this.signedIn(req);
        if (user) return this.finishLogin(req, res, details, client, user);
        return this.html(res, loginPage(details.uid, this.clientName(client)));
      }
      return this.consent(req, res, details, client);
    });
  }

  async login(req: Request, res: Response): Promise<void> {
    await this.guarded(res, async () => {
      const details = await this.details(req, res);
      const client = await this.client(details);
      const read = readInteractionForm(req.body);
      if ('unreadable' in read)
        return this.html(
          res,
          loginPage(details.uid, this.clientName(client), unreadable(read.unreadable)),
          400,
        );
      const { form } = read;
      try {
        const outcome = await this.auth.login({
          email: form.email ?? '',
          password: form.password ?? '',
          tenant: client.tenantId,
          sessionType: 'web',
          ip: this.authenticator.clientIp(this.raw(req)),
          userAgent: req.header('user-agent'),
          presentedToken: readCookie(req.header('cookie'), SESSION_COOKIE),
          deviceCookie: readCookie(req.header('cookie'), DEVICE_COOKIE),
        });
        if (outcome.status === 'mfa_required')
          return this.html(
            res,
            mfaPage(details.uid, outcome.challenge.token, outcome.challenge.methods),
          );
        return this.completeSignIn(req, res, details, client, outcome);
      } catch (error) {
        return this.html(
          res,
          loginPage(details.uid, this.clientName(client), this.reason(error)),
          401,
        );
      }
    });
  }

  async mfa(req: Request, res: Response): Promise<void> {
    await this.guarded(res, async () => {
      const details = await this.details(req, res);
      const client = await this.client(details);
      const read = readInteractionForm(req.body);
      if ('unreadable' in read)
        return this.html(
          res,
          mfaPage(details.uid, '', ['totp'], { error: unreadable(read.unreadable) }),
          400,
        );
      const { form } = read;
      const token = form.challenge_token ?? '';
      const method = (form.method ?? 'totp') as MfaFactor;
      const methods = [method];
      try {
        if (form.send === 'sms' || form.send === 'email') {
          await this.challenges.sendCode(token, form.send);
          return this.html(
            res,
            mfaPage(details.uid, token, [form.send, ...methods.filter((m) => m !== form.send)], {
              info: `A code was sent by ${form.send === 'sms' ? 'SMS' : 'email'}.`,
            }),
          );
        }
        const signedIn = await this.auth.verifyMfa({
          challengeToken: token,
          method,
          code: form.code ?? '',
          sessionType: 'web',
          ip: this.authenticator.clientIp(this.raw(req)),
          userAgent: req.header('user-agent'),
          presentedToken: readCookie(req.header('cookie'), SESSION_COOKIE),
        });
        return this.completeSignIn(req, res, details, client, signedIn);
      } catch (error) {
        return this.html(
          res,
          mfaPage(details.uid, token, methods, { error: this.reason(error) }),
          401,
        );
      }
    });
  }

  /** The browser's session cookie is SameSite=Strict: it arrives on this same-site POST. */
  async continueSignedIn(req: Request, res: Response): Promise<void> {
    await this.guarded(res, async () => {
      const details = await this.details(req, res);
      const client = await this.client(details);
      const user = await this.signedIn(req);
      if (user) return this.finishLogin(req, res, details, client, user);
      return this.html(
        res,
        loginPage(details.uid, this.clientName(client), 'You are not signed in.'),
        401,
      );
    });
  }

  async confirm(req: Request, res: Response): Promise<void> {
    await this.guarded(res, async () => {
      const details = await this.details(req, res);
      if (details.prompt.name !== 'consent') throw new InteractionRefused('Nothing to confirm.');
      const client = await this.client(details);
      await this.grant(req, res, details, client);
    });
  }

  async abort(req: Request, res: Response): Promise<void> {
    await this.guarded(res, async () => {
      await this.provider().interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user did not allow access.' },
        { mergeWithLastSubmission: false },
      );
    });
  }

  private async consent(
    req: Request,
    res: Response,
    details: Interaction,
    client: RegisteredClient,
  ): Promise<void> {
    const userId = details.session?.accountId;
    if (!userId) throw new InteractionRefused('The sign-in was lost; start again.');
    if (client.skipConsent) return this.grant(req, res, details, client);
    const decision = await this.decide(details, client, userId);
    const user = await this.users.find((await this.users.homeTenantOf(userId)) ?? '', userId);
    this.html(
      res,
      consentPage(
        details.uid,
        this.clientName(client),
        user?.email ?? userId,
        [...decision.identity, ...decision.resource],
        [...decision.refusedIdentity, ...decision.refusedResource],
      ),
    );
  }

  private async grant(
    req: Request,
    res: Response,
    details: Interaction,
    client: RegisteredClient,
  ): Promise<void> {
    const provider = this.provider();
    const userId = details.session?.accountId;
    if (!userId) throw new InteractionRefused('The sign-in was lost; start again.');
    const decision = await this.decide(details, client, userId);
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ??
        new provider.Grant({ accountId: userId, clientId: client.metadata.client_id }))
      : new provider.Grant({ accountId: userId, clientId: client.metadata.client_id });
    if (decision.identity.length) grant.addOIDCScope(decision.identity.join(' '));
    if (decision.refusedIdentity.length) grant.rejectOIDCScope(decision.refusedIdentity.join(' '));
    const claims = (details.prompt.details as { missingOIDCClaims?: string[] }).missingOIDCClaims;
    if (claims?.length) grant.addOIDCClaims(claims);
    if (decision.resource.length)
      grant.addResourceScope(this.server.audience, decision.resource.join(' '));
    if (decision.refusedResource.length)
      grant.rejectResourceScope(this.server.audience, decision.refusedResource.join(' '));
    // the grant and the event reporting it commit together
    const grantId = await this.sessions.atomically(async () => {
      const saved = await grant.save();
      securityEvents.publish({
        type: 'oauth.consent_granted',
        tenantId: client.tenantId,
        actorId: userId,
        details: {
          client_id: client.metadata.client_id,
          scopes: [...decision.identity, ...decision.resource].join(' '),
        },
      });
      return saved;
    });
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  /** Consent in the client's tenant: the user's permissions there bound the API scopes. */
  private async decide(details: Interaction, client: RegisteredClient, userId: string) {
    const home = await this.users.homeTenantOf(userId);
    const subject = await this.rbac.subject(client.tenantId, userId);
    if (home !== client.tenantId && subject.roles.size === 0)
      throw new InteractionRefused("You have no access to this application's tenant.");
    const requested = String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    return decideConsent(requested, client.scopes, subject.permissions);
  }

  private async completeSignIn(
    req: Request,
    res: Response,
    details: Interaction,
    client: RegisteredClient,
    signedIn: SignedIn & { device?: { cookie: string; expiresAt: Date } },
  ): Promise<void> {
    this.cookies.setSession(res, signedIn.token, signedIn.session.expiresAt);
    return this.finishLogin(req, res, details, client, {
      userId: signedIn.session.userId,
      tenantId: signedIn.session.tenantId,
    });
  }

  private async finishLogin(
    req: Request,
    res: Response,
    details: Interaction,
    client: RegisteredClient,
    user: SignedInUser,
  ): Promise<void> {
    const home = user.tenantId;
    if (
      home !== client.tenantId &&
      (await this.rbac.subject(client.tenantId, user.userId)).roles.size === 0
    )
      throw new InteractionRefused("You have no access to this application's tenant.");
    await this.provider().interactionFinished(
      req,
      res,
      { login: { accountId: user.userId } },
      { mergeWithLastSubmission: false },
    );
  }

  /** The user of the session cookie, if it is live and past any second-factor enrollment. */
  private async signedIn(req: Request): Promise<SignedInUser | undefined> {
    const token = readCookie(req.header('cookie'), SESSION_COOKIE);
    if (!token) return undefined;
    const checked = await this.sessions.check(token, this.authenticator.clientIp(this.raw(req)));
    if (!checked.ok || checked.session.enrollmentOnly) return undefined;
    const state = await this.users.stateOf(checked.session.userId);
    if (state?.status !== 'active') return undefined;
    return { userId: checked.session.userId, tenantId: checked.session.tenantId };
  }

  private async details(req: Request, res: Response): Promise<Interaction> {
    try {
      return await this.provider().interactionDetails(req, res);
    } catch {
      throw new InteractionRefused(
        'This sign-in request has expired or belongs to another browser. Start again from the application.',
      );
    }
  }

  private async client(details: Interaction): Promise<RegisteredClient> {
    const client = await this.clients.find(String(details.params.client_id ?? ''));
    if (!client) throw new InteractionRefused('The application is no longer registered.');
    return client;
  }

  private provider() {
    const provider = this.server.provider;
    if (!provider) throw new InteractionRefused('OAuth is not configured on this server.');
    return provider;
  }

  private clientName(client: RegisteredClient): string {
    return String(client.metadata.client_name ?? client.metadata.client_id);
  }

  private raw(req: Request) {
    return { headers: req.headers, remoteAddress: req.socket.remoteAddress };
  }

  private reason(error: unknown): string {
    const status = (error as { status?: number }).status;
    if (status && status < 500) return (error as Error).message;
    this.logger.error(`Sign-in failed: ${(error as Error).message}`);
    return 'The sign-in could not be completed. Try again.';
  }

  private html(res: Response, body: string, status = 200): void {
    res.status(status).type('html').send(body);
  }

  private async guarded(res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof InteractionRefused)
        return this.html(res, interactionErrorPage(error.message), 400);
      this.logger.error(`OAuth interaction failed: ${(error as Error).message}`);
      this.html(res, interactionErrorPage('The request could not be completed.'), 500);
    }
  }
}

class InteractionRefused extends Error {}

function unreadable(field: string): string {
  return `The form's ${field} must be sent once, as text.`;
}
