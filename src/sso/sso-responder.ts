import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { LoginOutcome } from '../auth/auth.service';
import { Authenticator, readCookie } from '../auth/authenticator.service';
import { SessionCookies } from '../auth/session-cookies';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DEVICE_COOKIE } from '../mfa/trusted-devices.service';
import { SESSION_COOKIE } from '../sessions/sessions.service';
import type { SsoRequestMeta } from './federated-sign-in.service';
import { ssoErrorPage, ssoMfaPage } from './sso-pages';

/**
 * How the browser's sign-in routes answer, whatever the protocol: pages rather than JSON
 * (these are navigations), a refusal as a page with its reason, and a completed sign-in as
 * the session cookie and a redirect, or the second factor's page.
 */
@Injectable()
export class SsoResponder {
  readonly cookies: SessionCookies;

  constructor(
    private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookies = new SessionCookies(config.SESSION_COOKIE_SECURE);
  }

  /** Who is asking: address, user agent, and the session and device cookies they present. */
  meta(req: Request): SsoRequestMeta {
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

  /** The session cookie and the way back, or the second factor's page. */
  signedIn(res: Response, outcome: LoginOutcome, redirectTo: string): void {
    if (outcome.status === 'mfa_required')
      return this.html(
        res,
        ssoMfaPage(outcome.challenge.token, outcome.challenge.methods, redirectTo),
      );
    this.cookies.setSession(res, outcome.token, outcome.session.expiresAt);
    res.redirect(303, redirectTo);
  }

  html(res: Response, body: string, status = 200): void {
    res.status(status).type('html').send(body);
  }

  /** Runs a page's work; a refusal answers its status with the reason, anything else 500. */
  async page(res: Response, work: () => Promise<void>): Promise<void> {
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
