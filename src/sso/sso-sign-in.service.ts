import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { TtlCache } from '#common';
import type { LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FederatedSignIn, SsoRefused, type SsoRequestMeta } from './federated-sign-in.service';
import { idpFetch } from './idp-fetch';
import { hashLoginKey, SsoLoginStateRepository } from './sso-login-state.repository';
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

/** This browser's binding value: the one its cookie holds, or a new one. */
export function browserBinding(cookie: string | undefined): string {
  return cookie && BROWSER_BINDING.test(cookie) ? cookie : randomBytes(32).toString('base64url');
}

/**
 * Sign-in through a tenant's OpenID Connect or OAuth 2.0 identity provider, as a relying
 * party on openid-client (OpenID Certified): discovery, state, nonce and PKCE S256 kept in
 * our own store (one row per sign-in, taken once by whichever API process the browser
 * returns to), the ID token's signature checked against the provider's JWKS with its
 * issuer, audience, expiry and nonce. Then the tenant's rules and the session, shared with
 * SAML (`FederatedSignIn`).
 */
@Injectable()
export class SsoSignIn {
  private readonly configs = new TtlCache<string, oidc.Configuration>(300_000, 1_000);

  constructor(
    private readonly federated: FederatedSignIn,
    private readonly states: SsoLoginStateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The URL at the identity provider that starts a sign-in in the browser `binding` names,
   * coming back to `target`.
   */
  async begin(provider: SsoProvider, target: string, binding: string): Promise<URL> {
    const providerId = provider.row.id;
    const config = await this.configuration(provider);
    const state = oidc.randomState();
    const nonce = provider.row.protocol === 'oidc' ? oidc.randomNonce() : undefined;
    const verifier = oidc.randomPKCECodeVerifier();
    await this.states.insert({
      stateHash: hashLoginKey(state),
      providerId,
      tenantId: provider.row.tenant_id,
      payload: { nonce, verifier, redirect_to: target, browser: hashLoginKey(binding) },
      expiresAt: new Date(Date.now() + this.config.SSO_LOGIN_TTL_S * 1000),
    });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: ssoUrls.callback(this.config.publicUrl, providerId),
      scope: (provider.settings.scopes ?? []).join(' '),
      state,
      ...(nonce ? { nonce } : {}),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
  }

  /** Completes the sign-in the provider sent the browser back with. */
  async complete(
    providerId: string,
    callback: URL,
    meta: SsoRequestMeta,
    binding: string | undefined,
  ): Promise<{ outcome: LoginOutcome; redirectTo: string }> {
    const provider = await this.federated.provider(providerId, ['oidc', 'oauth2']);
    const error = callback.searchParams.get('error');
    if (error)
      throw new SsoRefused(`The identity provider refused the sign-in (${error.slice(0, 100)}).`);
    const state = callback.searchParams.get('state');
    if (!state) throw new SsoRefused('The sign-in has no state: start again.');
    const stored = await this.states.take(hashLoginKey(state), providerId);
    if (!stored) throw new SsoRefused('This sign-in is unknown, used or expired: start again.');
    if (!binding || typeof stored.browser !== 'string' || hashLoginKey(binding) !== stored.browser)
      throw new SsoRefused('This sign-in was started in another browser: start again here.');
    const identity = await this.identity(provider, callback, state, stored);
    const outcome = await this.federated.finish(provider, identity, meta);
    return { outcome, redirectTo: String(stored.redirect_to ?? '/') };
  }

  private async identity(
    provider: SsoProvider,
    callback: URL,
    state: string,
    stored: Record<string, unknown>,
  ): Promise<FederatedIdentity> {
    const config = await this.configuration(provider);
    const names = {
      email: provider.settings.email_claim,
      name: provider.settings.name_claim,
      groups: provider.settings.groups_claim,
    };
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callback, {
        expectedState: state,
        pkceCodeVerifier: String(stored.verifier),
        ...(provider.row.protocol === 'oidc'
          ? { expectedNonce: String(stored.nonce), idTokenExpected: true }
          : {}),
      });
    } catch (error) {
      throw new SsoRefused(`The identity provider's answer was refused: ${describe(error)}`);
    }
    if (provider.row.protocol === 'oidc') {
      const claims = tokens.claims();
      if (!claims) throw new SsoRefused('The identity provider sent no ID token.');
      const found = identityFrom(claims as Record<string, unknown>, names);
      return { ...found, emailVerified: found.emailVerified === true };
    }
    return this.oauth2Identity(provider, config, tokens.access_token, names);
  }

  /** Plain OAuth 2.0 (the GitHub shape): the user-info API, and its email list when needed. */
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
    const config = await this.configuration(provider);
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, {
      client_id: provider.settings.client_id!,
      post_logout_redirect_uri: `${this.config.publicUrl}/`,
    });
  }

  private async configuration(provider: SsoProvider): Promise<oidc.Configuration> {
    const key = `${provider.row.id}:${provider.row.updated_at.getTime()}`;
    const cached = this.configs.get(key);
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
    this.configs.set(key, config);
    return config;
  }
}

function describe(error: unknown): string {
  const e = error as { error?: string; code?: string; message?: string };
  return (e.error ?? e.code ?? e.message ?? 'unknown error').slice(0, 200);
}
