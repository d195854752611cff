import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { DomainError, TtlCache } from '#common';
import { AuthService, type LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { PERMISSIONS } from '../rbac/permissions';
import { RbacService } from '../rbac/rbac.service';
import { securityEvents } from '../observability/security-events';
import { idpFetch } from './idp-fetch';
import { SsoLoginStateRepository } from './sso-login-state.repository';
import { type SsoProvider, SsoProviders } from './sso-providers.service';
import {
  checkEmailDomain,
  type FederatedIdentity,
  identityFrom,
  idpUsedMfa,
  localRedirect,
  rolesForGroups,
} from './sso-rules';

/** A sign-in refused: 400 with a reason the person can read (never an internal detail). */
export class SsoRefused extends DomainError {
  constructor(detail: string) {
    super(400, 'sso-refused', 'Single sign-on refused', detail);
  }
}

export interface SsoRequestMeta {
  ip?: string;
  userAgent?: string;
  presentedToken?: string;
  deviceCookie?: string;
}

const ALL_PERMISSIONS: ReadonlySet<string> = new Set(PERMISSIONS);
const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

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
 * issuer, audience, expiry and nonce. Then the tenant's rules: blocked and allowed email
 * domains, linking to an existing user by a verified email only, just-in-time users with a
 * default role and group roles, and our second factor unless the provider's is trusted.
 */
@Injectable()
export class SsoSignIn {
  private readonly configs = new TtlCache<string, oidc.Configuration>(300_000, 1_000);

  constructor(
    private readonly providers: SsoProviders,
    private readonly states: SsoLoginStateRepository,
    private readonly users: UsersService,
    private readonly rbac: RbacService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  callbackUrl(providerId: string): string {
    return `${this.config.publicUrl}/sso/callback/${providerId}`;
  }

  /** The URL at the identity provider that starts a sign-in in the browser `binding` names. */
  async begin(providerId: string, redirectTo: unknown, binding: string): Promise<URL> {
    const target = localRedirect(redirectTo, this.config.publicUrl);
    if (!target) throw new SsoRefused('redirect_to must be a path on this site.');
    const provider = await this.provider(providerId);
    const config = await this.configuration(provider);
    const state = oidc.randomState();
    const nonce = provider.row.protocol === 'oidc' ? oidc.randomNonce() : undefined;
    const verifier = oidc.randomPKCECodeVerifier();
    await this.states.insert({
      stateHash: hashState(state),
      providerId,
      tenantId: provider.row.tenant_id,
      payload: { nonce, verifier, redirect_to: target, browser: hashState(binding) },
      expiresAt: new Date(Date.now() + this.config.SSO_LOGIN_TTL_S * 1000),
    });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.callbackUrl(providerId),
      scope: (provider.settings.scopes ?? []).join(' '),
      state,
      ...(nonce ? { nonce } : {}),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
  }

  /** Completes the sign-in the provider sent the browser back with (`binding`: its cookie). */
  async complete(
    providerId: string,
    callback: URL,
    meta: SsoRequestMeta,
    binding: string | undefined,
  ): Promise<{ outcome: LoginOutcome; redirectTo: string }> {
    const provider = await this.provider(providerId);
    const error = callback.searchParams.get('error');
    if (error)
      throw new SsoRefused(`The identity provider refused the sign-in (${error.slice(0, 100)}).`);
    const state = callback.searchParams.get('state');
    if (!state) throw new SsoRefused('The sign-in has no state: start again.');
    const stored = await this.states.take(hashState(state), providerId);
    if (!stored) throw new SsoRefused('This sign-in is unknown, used or expired: start again.');
    if (!binding || typeof stored.browser !== 'string' || hashState(binding) !== stored.browser)
      throw new SsoRefused('This sign-in was started in another browser: start again here.');
    const identity = await this.identity(provider, callback, state, stored);
    const who = await this.userFor(provider, identity);
    const outcome = await this.auth.federatedLogin(who, {
      ...meta,
      sessionType: 'web',
      idpMfaTrusted: provider.row.trust_idp_mfa && idpUsedMfa(identity.amr),
    });
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

  private async userFor(
    provider: SsoProvider,
    identity: FederatedIdentity,
  ): Promise<{ tenantId: string; userId: string }> {
    const tenantId = provider.row.tenant_id;
    const refuse = (reason: string, detail: string) => {
      securityEvents.publish({
        type: 'auth.login_failed',
        tenantId,
        details: { reason, method: 'sso', provider_id: provider.row.id },
      });
      return new SsoRefused(detail);
    };
    const domain = checkEmailDomain(
      identity.email,
      provider.row.allowed_domains,
      provider.row.blocked_domains,
    );
    if (!domain.ok) throw refuse('domain', domain.reason);
    const existing = await this.users.findByEmail(tenantId, identity.email);
    if (existing) {
      if (!identity.emailVerified)
        throw refuse(
          'unverified-email',
          'The identity provider did not verify this email address, so it cannot sign in to an existing account.',
        );
      if (existing.status !== 'active') throw refuse('inactive', 'This account is not active.');
      return { tenantId, userId: existing.id };
    }
    if (!provider.row.jit_enabled)
      throw refuse('unknown-user', 'No account exists for this email address.');
    if (!identity.emailVerified)
      throw refuse('unverified-email', 'The identity provider did not verify this email address.');
    const user = await this.users.create(tenantId, {
      email: identity.email,
      displayName: identity.name.slice(0, 200) || identity.email,
    });
    const roles = new Set([
      provider.row.default_role,
      ...rolesForGroups(identity.groups, provider.row.group_roles as Record<string, string>),
    ]);
    for (const role of roles)
      if (role !== 'system_admin')
        await this.rbac.assign(
          tenantId,
          { userId: user.id, role },
          ALL_PERMISSIONS,
          `sso:${provider.row.id}`,
        );
    return { tenantId, userId: user.id };
  }

  private async provider(id: string): Promise<SsoProvider> {
    const provider = /^[0-9a-f-]{36}$/i.test(id) ? await this.providers.forSignIn(id) : undefined;
    if (!provider || provider.row.protocol === 'saml')
      throw new SsoRefused('There is no such identity provider.');
    return provider;
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
