import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import {
  type AuthenticateOptions,
  Strategy as OidcStrategy,
  type StrategyOptionsWithRequest,
  type VerifyFunctionWithRequest,
} from 'openid-client/passport';
import { TtlCache } from '#common';
import type { LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FederatedSignIn, SsoRefused, type SsoRequestMeta } from './federated-sign-in.service';
import { idpFetch } from './idp-fetch';
import { hashLoginKey, SsoLoginStateRepository } from './sso-login-state.repository';
import {
  failureMessage,
  type SignInSession,
  SignInSessions,
  signInSession,
  SsoPassport,
} from './sso-passport';
import type { SsoProvider } from './sso-providers.service';
import { type FederatedIdentity, identityFrom } from './sso-rules';
import { ssoUrls } from './sso-urls';

/**
 * The cookie that ties a sign-in to the browser that started it: a random value set by
 * `/sso/login`, whose hash the sign-in's state keeps. A callback opened in any other browser
 * (an attacker's own sign-in, its URL sent to a victim: login CSRF) finds no match.
 * SameSite=Lax, since the callback is a navigation from the identity provider's site.
 */
export const SSO_BROWSER_COOKIE = 'av_sso_browser';
const BROWSER_BINDING = /^[A-Za-z0-9_-]{43}$/;

/** A request as the strategies see it: with the sign-in's `req.session`. */
type SessionRequest = Request & { session?: SignInSession };

/** This browser's binding value: the one its cookie holds, or a new one. */
export function browserBinding(cookie: string | undefined): string {
  return cookie && BROWSER_BINDING.test(cookie) ? cookie : randomBytes(32).toString('base64url');
}

/** What `passport.authenticate` is given for one of our OpenID Connect or OAuth 2.0 routes. */
interface SsoAuthenticateOptions extends AuthenticateOptions {
  /** Whether this request starts the sign-in (`/sso/login`) or finishes it (the callback). */
  ssoStart: boolean;
}

/**
 * openid-client's passport strategy, as our routes use it: a sign-in starts at `/sso/login`
 * and finishes at the callback, whatever the callback carries (the strategy would start a
 * new authorization request for a callback without a code); and every authorization request
 * has a state, which keys the stored `req.session` (the strategy adds one only when the
 * provider does not announce PKCE and no nonce is sent) and, for OpenID Connect, a nonce
 * (the strategy sends one only for the implicit and hybrid flows).
 */
class SsoOidcStrategy extends OidcStrategy {
  constructor(
    options: StrategyOptionsWithRequest,
    verify: VerifyFunctionWithRequest,
    private readonly withNonce: boolean,
  ) {
    super(options, verify);
  }

  override shouldInitiateAuthRequest<T extends AuthenticateOptions>(
    _req: Request,
    _url: URL,
    options: T,
  ): boolean {
    return (options as unknown as SsoAuthenticateOptions).ssoStart === true;
  }

  override authorizationRequestParams<T extends AuthenticateOptions>(
    req: Request,
    options: T,
  ): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', oidc.randomState());
    if (this.withNonce) params.set('nonce', oidc.randomNonce());
    return params;
  }
}

/** A provider's openid-client configuration and the passport strategy built on it. */
interface ProviderClient {
  config: oidc.Configuration;
  strategy: SsoOidcStrategy;
}

/** The key the strategy keeps its authorization request under in `req.session`. */
const SESSION_KEY = 'oidc';

/**
 * Sign-in through a tenant's OpenID Connect or OAuth 2.0 identity provider, as a relying
 * party on openid-client (OpenID Certified) through its passport strategy
 * (`openid-client/passport`): discovery, state, nonce and PKCE S256; the strategy keeps the
 * authorization request in `req.session`, which `SignInSessions` stores in our shared store
 * (one row per sign-in, keyed by the state, taken once by whichever API process the browser
 * returns to, with the browser binding); the ID token's signature is checked against the
 * provider's JWKS with its issuer, audience, expiry and nonce. Then the tenant's rules and
 * the session, shared with SAML (`FederatedSignIn`).
 */
@Injectable()
export class SsoSignIn {
  private readonly clients = new TtlCache<string, ProviderClient>(300_000, 1_000);
  private readonly passport = new SsoPassport();
  private readonly sessions: SignInSessions;

  constructor(
    private readonly federated: FederatedSignIn,
    states: SsoLoginStateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sessions = new SignInSessions(states, config.SSO_LOGIN_TTL_S * 1000);
  }

  /**
   * The URL at the identity provider that starts a sign-in in the browser `binding` names,
   * coming back to `target`.
   */
  async begin(provider: SsoProvider, target: string, binding: string, req: Request): Promise<URL> {
    const { strategy } = await this.client(provider);
    const session = signInSession();
    (req as SessionRequest).session = session;
    const outcome = await this.passport
      .run(strategy, req, {
        ssoStart: true,
        scope: (provider.settings.scopes ?? []).join(' '),
      } satisfies SsoAuthenticateOptions)
      .catch((error: unknown) => {
        throw new SsoRefused(`The identity provider could not be reached: ${describe(error)}`);
      });
    const request = session[SESSION_KEY] as { state?: unknown } | undefined;
    if (outcome.kind !== 'redirect' || typeof request?.state !== 'string')
      throw new SsoRefused('The sign-in could not be started.');
    await this.sessions.store(provider.row, request.state, session, {
      redirectTo: target,
      browser: binding,
    });
    return new URL(outcome.url);
  }

  /** Completes the sign-in the provider sent the browser back with. */
  async complete(
    providerId: string,
    req: Request,
    meta: SsoRequestMeta,
    binding: string | undefined,
  ): Promise<{ outcome: LoginOutcome; redirectTo: string }> {
    const provider = await this.federated.provider(providerId, ['oidc', 'oauth2']);
    const callback = new URL(req.originalUrl, this.config.publicUrl);
    const error = callback.searchParams.get('error');
    if (error)
      throw new SsoRefused(`The identity provider refused the sign-in (${error.slice(0, 100)}).`);
    const state = callback.searchParams.get('state');
    if (!state) throw new SsoRefused('The sign-in has no state: start again.');
    const stored = await this.sessions.take(providerId, state);
    if (!stored) throw new SsoRefused('This sign-in is unknown, used or expired: start again.');
    if (!binding || typeof stored.browser !== 'string' || hashLoginKey(binding) !== stored.browser)
      throw new SsoRefused('This sign-in was started in another browser: start again here.');
    const { strategy } = await this.client(provider);
    (req as SessionRequest).session = stored.session;
    const result = await this.passport
      .run(strategy, req, { ssoStart: false } satisfies SsoAuthenticateOptions)
      .catch((error: unknown) => {
        if (error instanceof SsoRefused) throw error;
        throw new SsoRefused(`The identity provider's answer was refused: ${describe(error)}`);
      });
    if (result.kind !== 'success')
      throw new SsoRefused(
        `The identity provider's answer was refused: ${
          (result.kind === 'fail' && failureMessage(result.info)) || 'no sign-in'
        }`,
      );
    const outcome = await this.federated.finish(provider, result.user as FederatedIdentity, meta);
    return { outcome, redirectTo: stored.redirectTo };
  }

  /** The strategy's verify callback: the identity in the tokens the code was exchanged for. */
  private async identity(
    provider: SsoProvider,
    config: oidc.Configuration,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<FederatedIdentity> {
    const names = {
      email: provider.settings.email_claim,
      name: provider.settings.name_claim,
      groups: provider.settings.groups_claim,
    };
    if (provider.row.protocol === 'oidc') {
      const claims = tokens.claims();
      if (!claims) throw new SsoRefused('The identity provider sent no ID token.');
      const found = identityFrom(claims as Record<string, unknown>, names);
      return { ...found, emailVerified: found.emailVerified === true };
    }
    return this.oauth2Identity(provider, config, tokens.access_token, names);
  }

  /**
   * Plain OAuth 2.0 (the GitHub shape): the user-info API, and its email list when needed.
   * The strategy hands over the tokens only, and openid-client's `fetchUserInfo` expects an
   * OpenID Connect UserInfo answer for an ID token's subject, which GitHub's user API is not:
   * so these two reads are direct calls, with the access token the strategy obtained.
   */
  private async oauth2Identity(
    provider: SsoProvider,
    config: oidc.Configuration,
    accessToken: string,
    names: { email?: string; name?: string; groups?: string },
  ): Promise<FederatedIdentity> {
    const fetchJson = async (url: string) => {
      const res = await oidc.fetchProtectedResource(config, accessToken, new URL(url), 'GET');
      if (!res.ok) throw new SsoRefused(`The identity provider's user API answered ${res.status}.`);
      return (await res.json()) as unknown;
    };
    const profile = (await fetchJson(provider.settings.userinfo_endpoint!)) as Record<
      string,
      unknown
    >;
    const found = identityFrom(profile, names);
    let email = found.email;
    let verified = found.emailVerified === true;
    if (provider.settings.emails_endpoint) {
      const emails = (await fetchJson(provider.settings.emails_endpoint)) as Array<{
        email?: string;
        primary?: boolean;
        verified?: boolean;
      }>;
      const primary = Array.isArray(emails)
        ? (emails.find((e) => e.primary && e.verified) ??
          emails.find((e) => e.verified && e.email?.toLowerCase() === email))
        : undefined;
      if (primary?.email) {
        email = primary.email.toLowerCase();
        verified = true;
      }
    }
    return { ...found, email, emailVerified: verified };
  }

  /**
   * Where to send the browser to end its session at an OpenID Connect provider too
   * (RP-initiated logout, coming back to our home page); undefined when it has none.
   */
  async endSessionUrl(providerId: string): Promise<URL | undefined> {
    const provider = await this.federated.provider(providerId, ['oidc']);
    const { config } = await this.client(provider);
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, {
      client_id: provider.settings.client_id!,
      post_logout_redirect_uri: `${this.config.publicUrl}/`,
    });
  }

  /** The provider's configuration (discovery, cached a while) and its passport strategy. */
  private async client(provider: SsoProvider): Promise<ProviderClient> {
    const key = `${provider.row.id}:${provider.row.updated_at.getTime()}`;
    const cached = this.clients.get(key);
    if (cached) return cached;
    const { settings } = provider;
    const auth = provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None();
    const options = {
      [oidc.customFetch]: idpFetch(this.config.SSO_ALLOW_HOSTS) as oidc.CustomFetch,
      execute: [
        oidc.enableNonRepudiationChecks,
        ...(String(settings.issuer ?? settings.token_endpoint).startsWith('http:')
          ? [oidc.allowInsecureRequests]
          : []),
      ],
    };
    let config: oidc.Configuration;
    try {
      config =
        provider.row.protocol === 'oidc'
          ? await oidc.discovery(
              new URL(settings.issuer!),
              settings.client_id!,
              undefined,
              auth,
              options,
            )
          : new oidc.Configuration(
              {
                issuer: new URL(settings.authorization_endpoint!).origin,
                authorization_endpoint: settings.authorization_endpoint,
                token_endpoint: settings.token_endpoint,
              },
              settings.client_id!,
              undefined,
              auth,
            );
    } catch (error) {
      throw new SsoRefused(`The identity provider could not be reached: ${describe(error)}`);
    }
    if (provider.row.protocol !== 'oidc') {
      config[oidc.customFetch] = options[oidc.customFetch];
      if (options.execute.includes(oidc.allowInsecureRequests)) oidc.allowInsecureRequests(config);
    }
    const strategy = new SsoOidcStrategy(
      {
        config,
        name: `sso-${provider.row.id}`,
        sessionKey: SESSION_KEY,
        callbackURL: ssoUrls.callback(this.config.publicUrl, provider.row.id),
        passReqToCallback: true,
      },
      (_req, tokens, verified) => {
        this.identity(provider, config, tokens).then(
          (identity) => verified(null, identity),
          (error: unknown) => verified(error),
        );
      },
      provider.row.protocol === 'oidc',
    );
    const client = { config, strategy };
    this.clients.set(key, client);
    return client;
  }
}

function describe(error: unknown): string {
  const e = error as { error?: string; code?: string; message?: string };
  return (e.error ?? e.code ?? e.message ?? 'unknown error').slice(0, 200);
}
