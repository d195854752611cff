import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '#common';
import { AuthService, type LoginOutcome } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { securityEvents } from '../observability/security-events';
import { PERMISSIONS } from '../rbac/permissions';
import { RbacService } from '../rbac/rbac.service';
import { type SsoProvider, SsoProviders } from './sso-providers.service';
import {
  checkEmailDomain,
  type FederatedIdentity,
  idpUsedMfa,
  localRedirect,
  rolesForGroups,
} from './sso-rules';
import type { SsoProtocol } from './sso-templates';

/** A sign-in refused: 400 with a reason the person can read (never an internal detail). */
export class SsoRefused extends DomainError {
  constructor(detail: string) {
    super(400, 'sso-refused', 'Single sign-on refused', detail);
  }
}

/** A sign-in URL naming no enabled provider (removed, disabled or never there): 404. */
export class UnknownSsoProvider extends DomainError {
  constructor() {
    super(
      404,
      'sso-provider-not-found',
      'No such identity provider',
      'There is no such identity provider.',
    );
  }
}

export interface SsoRequestMeta {
  ip?: string;
  userAgent?: string;
  presentedToken?: string;
  deviceCookie?: string;
}

const ALL_PERMISSIONS: ReadonlySet<string> = new Set(PERMISSIONS);
const ANY_PROTOCOL: readonly SsoProtocol[] = ['oidc', 'oauth2', 'saml'];

/**
 * What every protocol shares once the identity provider has been believed: the tenant's
 * rules (blocked and allowed email domains, linking to an existing user by a verified email
 * only, just-in-time users with a default role and group roles), then the session through
 * `AuthService.federatedLogin`, with our second factor unless the provider's is trusted.
 */
@Injectable()
export class FederatedSignIn {
  constructor(
    private readonly providers: SsoProviders,
    private readonly users: UsersService,
    private readonly rbac: RbacService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** An enabled provider named by a sign-in URL, of one of the given protocols. */
  async provider(id: string, protocols = ANY_PROTOCOL): Promise<SsoProvider> {
    const provider = /^[0-9a-f-]{36}$/i.test(id) ? await this.providers.forSignIn(id) : undefined;
    if (!provider || !protocols.includes(provider.row.protocol as SsoProtocol))
      throw new UnknownSsoProvider();
    return provider;
  }

  /** Where a sign-in starts: its provider, and the path on this site to come back to. */
  async start(
    providerId: string,
    redirectTo: unknown,
  ): Promise<{ provider: SsoProvider; target: string }> {
    const target = localRedirect(redirectTo, this.config.publicUrl);
    if (!target) throw new SsoRefused('redirect_to must be a path on this site.');
    return { provider: await this.provider(providerId), target };
  }

  /** The tenant's rules for this identity, then a session or the second factor. */
  async finish(
    provider: SsoProvider,
    identity: FederatedIdentity,
    meta: SsoRequestMeta,
  ): Promise<LoginOutcome> {
    const who = await this.userFor(provider, identity);
    return this.auth.federatedLogin(who, {
      ...meta,
      sessionType: 'web',
      idpMfaTrusted: provider.row.trust_idp_mfa && idpUsedMfa(identity.amr),
    });
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
}
