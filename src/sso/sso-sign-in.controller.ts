import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { Public } from '../access/decorators';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { MfaFactor } from '../mfa/mfa-verifier.service';
import { FederatedSignIn } from './federated-sign-in.service';
import { SamlSignIn } from './saml-sign-in.service';
import { ssoMfaPage } from './sso-pages';
import { SsoResponder } from './sso-responder';
import { SsoSignIn } from './sso-sign-in.service';
import { localRedirect } from './sso-rules';

/**
 * The browser's side of single sign-on: start at the identity provider (OpenID Connect,
 * OAuth 2.0 or SAML), come back from an OAuth provider, and the second factor when one is
 * needed. SAML's own routes (metadata, the POST back) are in `SamlController`.
 */
@ApiExcludeController()
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
  @Public()
  async login(
    @Param('provider') providerId: string,
    @Query('redirect_to') redirectTo: unknown,
    @Res() res: Response,
  ): Promise<void> {
    await this.responder.page(res, async () => {
      const { provider, target } = await this.federated.start(providerId, redirectTo);
      const url =
        provider.row.protocol === 'saml'
          ? await this.saml.begin(provider, target)
          : await this.signIn.begin(provider, target);
      res.redirect(303, url.href);
    });
  }

  @Get('callback/:provider')
  @Public()
  async callback(@Param('provider') provider: string, @Req() req: Request, @Res() res: Response) {
    await this.responder.page(res, async () => {
      const url = new URL(req.originalUrl, this.config.publicUrl);
      const { outcome, redirectTo } = await this.signIn.complete(
        provider,
        url,
        this.responder.meta(req),
      );
      this.responder.signedIn(res, outcome, redirectTo);
    });
  }

  @Post('mfa')
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
