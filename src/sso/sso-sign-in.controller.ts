import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { AllowDuringEnrollment, Authenticated, Caller, Public } from '../access/decorators';
import type { AccessContext } from '../access/access-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { MfaFactor } from '../mfa/mfa-verifier.service';
import { FederatedSignIn } from './federated-sign-in.service';
import { SamlSignIn } from './saml-sign-in.service';
import { ssoMfaPage } from './sso-pages';
import { SsoResponder } from './sso-responder';
import { browserBinding, SSO_BROWSER_COOKIE, SsoSignIn } from './sso-sign-in.service';
import { readCookie } from '../auth/authenticator.service';
import { localRedirect } from './sso-rules';
import { SSO_MFA_FORM } from './sso-form-bodies';

/**
 * The browser's side of single sign-on: start at the identity provider (OpenID Connect,
 * OAuth 2.0 or SAML), come back from an OAuth provider, and the second factor when one is
 * needed. SAML's own routes (metadata, the POST back) are in `SamlController`.
 */
@ApiTags('sso')
@ApiProduces('text/html')
@Controller('sso')
export class SsoSignInController {
  constructor(
    private readonly federated: FederatedSignIn,
    private readonly signIn: SsoSignIn,
    private readonly saml: SamlSignIn,
    private readonly auth: AuthService,
    private readonly responder: SsoResponder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('login/:provider')
  @ApiOperation({
    summary: 'Start a sign-in at an identity provider (a browser navigation)',
    description: '`redirect_to`: a path on this site to land on afterwards (default /).',
  })
  @ApiResponse({ status: 303, description: "Redirect to the identity provider's sign-in" })
  @ApiBadRequestResponse({ description: 'An HTML page saying why not' })
  @ApiNotFoundResponse({ description: 'No such identity provider (an HTML page)' })
  @Public()
  async login(
    @Param('provider') providerId: string,
    @Query('redirect_to') redirectTo: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.responder.page(res, async () => {
      const { provider, target } = await this.federated.start(providerId, redirectTo);
      if (provider.row.protocol === 'saml') {
        res.redirect(303, (await this.saml.begin(provider, target, req)).href);
        return;
      }
      const binding = browserBinding(readCookie(req.header('cookie'), SSO_BROWSER_COOKIE));
      const url = await this.signIn.begin(provider, target, binding, req);
      res.cookie(SSO_BROWSER_COOKIE, binding, {
        httpOnly: true,
        secure: this.config.SESSION_COOKIE_SECURE,
        sameSite: 'lax',
        path: '/sso',
        maxAge: this.config.SSO_LOGIN_TTL_S * 1000,
      });
      res.redirect(303, url.href);
    });
  }

  @Get('callback/:provider')
  @ApiOperation({
    summary: 'Where an OpenID Connect or OAuth 2.0 provider sends the browser back',
    description:
      'Signs in (sets the session cookie) and redirects to `redirect_to`, or shows the second-factor page.',
  })
  @ApiResponse({ status: 303, description: 'Signed in: redirect to the page asked for' })
  @ApiOkResponse({
    description: 'The second-factor page (HTML)',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ description: 'An HTML page saying why the sign-in was refused' })
  @Public()
  async callback(@Param('provider') provider: string, @Req() req: Request, @Res() res: Response) {
    await this.responder.page(res, async () => {
      const { outcome, redirectTo } = await this.signIn.complete(
        provider,
        req,
        this.responder.meta(req),
        readCookie(req.header('cookie'), SSO_BROWSER_COOKIE),
      );
      this.responder.signedIn(res, outcome, redirectTo);
    });
  }

  @Post('logout')
  @ApiOperation({
    summary: 'Sign out: end this session, then at the identity provider where it has a logout',
    description:
      'A session from a SAML sign-in whose provider has a `logout_url` sends the browser to ' +
      'the IdP with a LogoutRequest (its NameID and SessionIndex); the IdP answers at ' +
      '`/sso/saml/{provider}/logout/callback`. Otherwise `provider`: the identity provider ' +
      'the session came from; an OpenID Connect provider with an end-session endpoint gets ' +
      'the browser next, and sends it back to `/`.',
  })
  @ApiResponse({ status: 303, description: "To the provider's logout, or to /" })
  @Authenticated()
  @AllowDuringEnrollment()
  async logout(
    @Caller() caller: AccessContext,
    @Query('provider') providerId: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const sessionId = caller.principal.sessionId;
    // read before the session ends: the SAML subject and IdP session it was opened with
    const samlLogout = sessionId
      ? await this.saml.logoutUrl(caller.homeTenantId, sessionId).catch(() => undefined)
      : undefined;
    if (sessionId)
      await this.auth.logout({
        tenantId: caller.homeTenantId,
        sessionId,
        userId: caller.userId,
      });
    this.responder.cookies.clearSession(res);
    const atIdp =
      samlLogout ??
      (typeof providerId === 'string' && providerId
        ? await this.signIn.endSessionUrl(providerId).catch(() => undefined)
        : undefined);
    res.redirect(303, atIdp?.href ?? '/');
  }

  @Post('mfa')
  @ApiOperation({ summary: 'The second factor after an identity provider (HTML form post)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: SSO_MFA_FORM })
  @ApiResponse({ status: 303, description: 'Signed in: redirect to the page asked for' })
  @ApiBadRequestResponse({ description: 'The page again, saying why the code was refused' })
  @HttpCode(200)
  @Public()
  async mfa(@Req() req: Request, @Res() res: Response): Promise<void> {
    const form = req.body as Record<string, string | undefined>;
    const token = form.challenge_token ?? '';
    const method = (form.method ?? 'totp') as MfaFactor;
    const redirectTo = localRedirect(form.redirect_to, this.config.publicUrl) ?? '/';
    try {
      const signedIn = await this.auth.verifyMfa({
        challengeToken: token,
        method,
        code: form.code ?? '',
        sessionType: 'web',
        ...this.responder.meta(req),
      });
      await this.saml.afterMfa(token, signedIn.session.id);
      this.responder.cookies.setSession(res, signedIn.token, signedIn.session.expiresAt);
      res.redirect(303, redirectTo);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      this.responder.html(
        res,
        ssoMfaPage(
          token,
          [method],
          redirectTo,
          status < 500 ? (error as Error).message : 'Try again.',
        ),
        status < 500 ? status : 500,
      );
    }
  }
}
