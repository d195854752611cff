import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Authenticator, readCookie } from '../auth/authenticator.service';
import { SessionCookies } from '../auth/session-cookies';
import { Public } from '../access/decorators';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { MfaFactor } from '../mfa/mfa-verifier.service';
import { DEVICE_COOKIE } from '../mfa/trusted-devices.service';
import { SESSION_COOKIE } from '../sessions/sessions.service';
import { ssoErrorPage, ssoMfaPage } from './sso-pages';
import { browserBinding, SSO_BROWSER_COOKIE, SsoSignIn } from './sso-sign-in.service';
import { localRedirect } from './sso-rules';

/**
 * The browser's side of single sign-on: start at the identity provider, come back, and the
 * second factor when one is needed. Pages, not JSON: these are navigations.
 */
@ApiTags('sso')
@ApiProduces('text/html')
@Controller('sso')
export class SsoSignInController {
  private readonly cookies: SessionCookies;

  constructor(
    private readonly signIn: SsoSignIn,
    private readonly auth: AuthService,
    private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.SESSION_COOKIE_SECURE);
  }

  @Get('login/:provider')
  @ApiOperation({
    summary: 'Start a sign-in at an identity provider (a browser navigation)',
    description: '`redirect_to`: a path on this site to land on afterwards (default /).',
  })
  @ApiResponse({ status: 303, description: "Redirect to the identity provider's sign-in" })
  @ApiBadRequestResponse({ description: 'An HTML page saying why not' })
  @Public()
  async login(
    @Param('provider') provider: string,
    @Query('redirect_to') redirectTo: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.page(res, async () => {
      const binding = browserBinding(readCookie(req.header('cookie'), SSO_BROWSER_COOKIE));
      const url = await this.signIn.begin(provider, redirectTo, binding);
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
    summary: 'Where the identity provider sends the browser back (code and state)',
    description:
      'Signs in (sets the session cookie) and redirects to `redirect_to`, or shows the second-factor page.',
  })
  @ApiResponse({ status: 303, description: 'Signed in: redirect to the page asked for' })
  @ApiOkResponse({ description: 'The second-factor page (HTML)' })
  @ApiBadRequestResponse({ description: 'An HTML page saying why the sign-in was refused' })
  @Public()
  async callback(@Param('provider') provider: string, @Req() req: Request, @Res() res: Response) {
    await this.page(res, async () => {
      const url = new URL(req.originalUrl, this.config.publicUrl);
      const { outcome, redirectTo } = await this.signIn.complete(
        provider,
        url,
        this.meta(req),
        readCookie(req.header('cookie'), SSO_BROWSER_COOKIE),
      );
      if (outcome.status === 'mfa_required')
        return this.html(
          res,
          ssoMfaPage(outcome.challenge.token, outcome.challenge.methods, redirectTo),
        );
      this.cookies.setSession(res, outcome.token, outcome.session.expiresAt);
      res.redirect(303, redirectTo);
    });
  }

  @Post('mfa')
  @ApiOperation({ summary: 'The second factor after an identity provider (HTML form post)' })
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
        ...this.meta(req),
      });
      this.cookies.setSession(res, signedIn.token, signedIn.session.expiresAt);
      res.redirect(303, redirectTo);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      this.html(
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

  private meta(req: Request) {
    return {
      ip: this.authenticator.clientIp({
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
      }),
      userAgent: req.header('user-agent'),
      presentedToken: readCookie(req.header('cookie'), SESSION_COOKIE),
      deviceCookie: readCookie(req.header('cookie'), DEVICE_COOKIE),
    };
  }

  private html(res: Response, body: string, status = 200): void {
    res.status(status).type('html').send(body);
  }

  private async page(res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      this.html(
        res,
        ssoErrorPage(
          status < 500 ? (error as Error).message : 'The sign-in could not be completed.',
        ),
        status < 500 ? status : 500,
      );
    }
  }
}
