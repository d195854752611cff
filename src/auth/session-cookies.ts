import type { Response } from 'express';
import { DEVICE_COOKIE } from '../mfa/trusted-devices.service';
import { SESSION_COOKIE } from '../sessions/sessions.service';

/** Session and trusted-device cookies: HttpOnly, SameSite=Strict, Secure unless turned off. */
export class SessionCookies {
  constructor(private readonly secure: boolean) {}

  setSession(res: Response, token: string, expires: Date): void {
    res.cookie(SESSION_COOKIE, token, this.options(expires));
  }

  clearSession(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.options());
  }

  setDevice(res: Response, value: string, expires: Date): void {
    res.cookie(DEVICE_COOKIE, value, this.options(expires));
  }

  private options(expires?: Date) {
    return {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'strict' as const,
      path: '/',
      ...(expires ? { expires } : {}),
    };
  }
}
