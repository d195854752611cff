import type { Request, Response } from 'express';
import passport from 'passport';
import { hashLoginKey, type SsoLoginStateRepository } from './sso-login-state.repository';
import type { SsoProviderRow } from './sso-provider.repository';

/** What one run of a passport strategy came to. */
export type StrategyOutcome =
  | { kind: 'success'; user: unknown; info?: unknown }
  | { kind: 'fail'; info?: unknown }
  | { kind: 'redirect'; url: string }
  | { kind: 'pass' };

/**
 * `req.session` as the strategies use it: plain fields under each strategy's key, and the
 * calls passport's session manager makes (`save`, `regenerate`). It lives for one request;
 * `SignInSessions` stores it in `sso_login_states` and brings it back.
 */
export type SignInSession = Record<string, unknown>;

/** A `req.session` holding `data`, with the calls passport may make on it. */
export function signInSession(data: Record<string, unknown> = {}): SignInSession {
  const session: SignInSession = { ...data };
  const call = (done?: (err?: unknown) => void) => done?.();
  Object.defineProperties(session, {
    // what is kept is stored by `SignInSessions.store` once the strategy has answered
    save: { value: call },
    regenerate: {
      value: (done?: (err?: unknown) => void) => {
        for (const key of Object.keys(session)) delete session[key];
        done?.();
      },
    },
    destroy: { value: call },
  });
  return session;
}

/**
 * The sign-in's `req.session` kept in our short-lived store instead of a cookie session or
 * express-session's memory: every API process reads `sso_login_states`, so the browser may
 * come back to any of them; the row is taken once (delete … returning), so a replayed
 * callback finds nothing anywhere; and it expires with the sign-in (`SSO_LOGIN_TTL_S`). It
 * is stored under the SHA-256 of the OAuth state the provider sends back, with the browser
 * binding's hash and where to land.
 */
export class SignInSessions {
  constructor(
    private readonly states: SsoLoginStateRepository,
    private readonly ttlMs: number,
  ) {}

  async store(
    provider: SsoProviderRow,
    state: string,
    session: SignInSession,
    extra: { redirectTo: string; browser: string },
  ): Promise<void> {
    await this.states.insert({
      stateHash: hashLoginKey(state),
      providerId: provider.id,
      tenantId: provider.tenant_id,
      payload: {
        session: { ...session },
        redirect_to: extra.redirectTo,
        browser: hashLoginKey(extra.browser),
      },
      expiresAt: new Date(Date.now() + this.ttlMs),
    });
  }

  /** The session stored under this state, once; undefined when unknown, used or expired. */
  async take(
    providerId: string,
    state: string,
  ): Promise<{ session: SignInSession; redirectTo: string; browser: unknown } | undefined> {
    const stored = await this.states.take(hashLoginKey(state), providerId);
    if (!stored || !stored.session || typeof stored.session !== 'object') return undefined;
    return {
      session: signInSession(stored.session as Record<string, unknown>),
      redirectTo: String(stored.redirect_to ?? '/'),
      browser: stored.browser,
    };
  }
}

/**
 * Runs passport strategies for the single sign-on routes: `passport.initialize()` and then
 * `passport.authenticate(strategy, { session: false })`, on a passport instance of our own
 * (not the process-wide one). No passport session: the route makes our own session token
 * once the strategy's verify callback has named the person. The strategy's redirect (to the
 * identity provider) is caught rather than sent, so the route can store the sign-in's
 * state first and answer with its own status and cookie.
 */
export class SsoPassport {
  private readonly passport = new passport.Passport();
  private readonly initialize = this.passport.initialize();

  run(
    strategy: passport.Strategy,
    req: Request,
    options: passport.AuthenticateOptions & Record<string, unknown> = {},
  ): Promise<StrategyOutcome> {
    return new Promise<StrategyOutcome>((resolve, reject) => {
      let location = '';
      // what passport's `redirect` writes to: the location is kept, nothing is sent
      const caught = {
        statusCode: 302,
        setHeader(name: string, value: string) {
          if (name.toLowerCase() === 'location') location = value;
        },
        end() {
          resolve({ kind: 'redirect', url: location });
        },
      } as unknown as Response;
      this.initialize(req, caught, () =>
        this.passport.authenticate(
          // each request its own strategy object: passport binds its actions onto it
          Object.create(strategy) as passport.Strategy,
          { ...options, session: false },
          (error: unknown, user: unknown, info: unknown) => {
            if (error) reject(error);
            else if (user) resolve({ kind: 'success', user, info });
            else resolve({ kind: 'fail', info });
          },
        )(req, caught, (error?: unknown) => (error ? reject(error) : resolve({ kind: 'pass' }))),
      );
    });
  }
}

/** What a strategy's failure says, for the person reading the refusal. */
export function failureMessage(info: unknown): string | undefined {
  const message = (info as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.slice(0, 200) : undefined;
}
