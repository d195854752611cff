import type { Profile, SamlConfig } from '@node-saml/node-saml';
import { MultiSamlStrategy } from '@node-saml/passport-saml';
import type { Request } from 'express';
import type passport from 'passport';
import { SsoRefused } from './federated-sign-in.service';
import type { SamlExchange } from './saml-options';
import { SsoPassport, type StrategyOutcome } from './sso-passport';

/** The form or query fields a SAML message comes in (passport-saml reads both). */
export const SAML_FIELDS = ['SAMLResponse', 'SAMLRequest'] as const;

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

/** What the strategy's verify callbacks hand on, once node-saml has validated a message. */
export interface SamlVerifiers {
  /** A sign-in's assertion: what the route's user becomes (or why it is refused). */
  signedOn(exchange: SamlExchange, profile: Profile): Promise<object>;
  /** A LogoutRequest from the IdP: the sessions of the subject it names are to end. */
  loggedOut(exchange: SamlExchange, nameId: string, sessionIndex?: string): Promise<void>;
}

/**
 * passport-saml's `MultiSamlStrategy` (one strategy, each request's options for its
 * provider) and the passport that runs it: each run is given its exchange, which
 * `getSamlOptions` and the verify callbacks find by the request.
 */
export class SamlStrategyHost {
  private readonly passport = new SsoPassport();
  private readonly exchanges = new WeakMap<object, SamlExchange>();
  private readonly strategy: SamlStrategy;

  constructor(options: (exchange: SamlExchange) => SamlConfig, verifiers: SamlVerifiers) {
    this.strategy = new MultiSamlStrategy(
      {
        name: 'sso-saml',
        passReqToCallback: true,
        getSamlOptions: (req, done) => {
          const exchange = this.exchanges.get(req);
          if (!exchange) return done(new Error('No SAML exchange for this request'));
          done(null, options(exchange));
        },
      },
      (req, profile, done) => {
        const exchange = this.exchanges.get(req);
        if (!exchange || exchange.use !== 'login' || !profile)
          return done(null, undefined, { message: 'The response holds no assertion.' });
        verifiers.signedOn(exchange, profile).then(
          (user) => done(null, user as Record<string, unknown>),
          (error: Error) => done(error),
        );
      },
      // The strategy then answers Success when the user handed back is the request's
      // `req.user` (we keep no passport session, so there is none to compare: the sessions
      // named were ended either way).
      (req, profile, done) => {
        const exchange = this.exchanges.get(req);
        if (!exchange || exchange.use !== 'logout' || !profile?.nameID)
          return done(new SsoRefused("The identity provider's logout request names nobody."));
        verifiers.loggedOut(exchange, profile.nameID, profile.sessionIndex || undefined).then(
          () => done(null, (req as { user?: Record<string, unknown> }).user),
          (error: Error) => done(error),
        );
      },
    ) as unknown as SamlStrategy;
  }

  /** Runs the strategy on the route's request, for this exchange. */
  run(
    req: Request,
    exchange: SamlExchange,
    options?: passport.AuthenticateOptions & Record<string, unknown>,
  ): Promise<StrategyOutcome> {
    this.exchanges.set(req, exchange);
    return this.passport.run(this.strategy, req, options);
  }

  /**
   * The IdP's single logout URL carrying our LogoutRequest for the subject in `req.user`
   * (a request of our own, not the route's).
   */
  logoutRedirect(req: { user: Profile }, exchange: SamlExchange): Promise<string> {
    this.exchanges.set(req, exchange);
    return new Promise<string>((resolve, reject) =>
      this.strategy.logout(req, (error, to) =>
        error || !to ? reject(error ?? new Error('no logout URL')) : resolve(to),
      ),
    );
  }

  /** Our service provider's metadata for the exchange's provider. */
  metadata(exchange: SamlExchange, decryptionCert: string | null): Promise<string> {
    // a request of our own: the strategy needs none of the route's
    const req = { query: {}, body: {} };
    this.exchanges.set(req, exchange);
    return new Promise<string>((resolve, reject) =>
      this.strategy.generateServiceProviderMetadata(req, decryptionCert, null, (error, xml) =>
        error || !xml ? reject(error) : resolve(xml),
      ),
    );
  }
}
