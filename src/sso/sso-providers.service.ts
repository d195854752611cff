import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { DomainError, NotFound, type SealedBox, uuidv7, ValidationFailed } from '#common';
import { recordChange } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RbacService } from '../rbac/rbac.service';
import { failureChain } from './failure-chain';
import { idpFetch } from './idp-fetch';
import { isPrivateKeyPem } from './saml-settings';
import { SSO_SECRET_SEALER } from './sso-secret-sealer.provider';
import {
  type NewSsoProviderRow,
  SsoProviderRepository,
  type SsoProviderRow,
} from './sso-provider.repository';
import {
  resolveSettings,
  type SsoProtocol,
  type SsoSettings,
  type SsoTemplate,
} from './sso-templates';

export interface SsoProviderInput {
  name?: string;
  template?: SsoTemplate;
  settings?: SsoSettings;
  clientSecret?: string | null;
  /** SAML: the private key (PEM) that opens encrypted assertions. */
  decryptionPrivateKey?: string | null;
  enabled?: boolean;
  allowedDomains?: string[];
  blockedDomains?: string[];
  jitEnabled?: boolean;
  defaultRole?: string;
  groupRoles?: Record<string, string>;
  trustIdpMfa?: boolean;
}

/** A provider with its secrets opened, for the sign-in. */
export interface SsoProvider {
  row: SsoProviderRow;
  settings: SsoSettings;
  clientSecret?: string;
  decryptionPrivateKey?: string;
}

/** A provider's secrets, sealed together: the OAuth client secret, or SAML's decryption key. */
interface SsoSecrets {
  client_secret?: string;
  decryption_private_key?: string;
}

export interface DiscoveryReport {
  ok: boolean;
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  error?: string;
}

export class SsoNotConfigured extends DomainError {
  constructor() {
    super(
      503,
      'sso-not-configured',
      'SSO secrets cannot be stored',
      'Set SSO_ENCRYPTION_KEY to store identity provider secrets.',
    );
  }
}

/** Identity providers of a tenant: stored with sealed secrets, checked against their template. */
@Injectable()
export class SsoProviders {
  constructor(
    private readonly repository: SsoProviderRepository,
    private readonly rbac: RbacService,
    @Inject(SSO_SECRET_SEALER) private readonly sealer: SealedBox | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(tenantId: string, input: SsoProviderInput): Promise<SsoProviderRow> {
    const template = input.template!;
    const resolved = resolveSettings(template, input.settings ?? {});
    if (!resolved.ok) throw new ValidationFailed(resolved.errors);
    checkSecrets(resolved.protocol, input);
    await this.checkRoles(tenantId, input.defaultRole, input.groupRoles);
    const row: NewSsoProviderRow = {
      id: uuidv7(),
      tenant_id: tenantId,
      name: input.name!,
      template,
      protocol: resolved.protocol,
      enabled: input.enabled ?? true,
      settings: JSON.stringify(resolved.settings),
      sealed_secrets: this.seal(secretsOf(resolved.protocol, input)),
      allowed_domains: normalizeDomains(input.allowedDomains),
      blocked_domains: normalizeDomains(input.blockedDomains),
      jit_enabled: input.jitEnabled ?? true,
      default_role: input.defaultRole ?? 'viewer',
      group_roles: JSON.stringify(input.groupRoles ?? {}),
      trust_idp_mfa: input.trustIdpMfa ?? false,
    };
    return this.repository.insert(row);
  }

  list(tenantId: string): Promise<SsoProviderRow[]> {
    return this.repository.list(tenantId);
  }

  async get(tenantId: string, id: string): Promise<SsoProviderRow> {
    const row = await this.repository.inTenant(tenantId, id);
    if (!row) throw new NotFound('sso-provider', id);
    return row;
  }

  async update(tenantId: string, id: string, input: SsoProviderInput): Promise<SsoProviderRow> {
    const current = await this.get(tenantId, id);
    let settings: string | undefined;
    if (input.settings) {
      const resolved = resolveSettings(current.template as SsoTemplate, {
        ...(current.settings as SsoSettings),
        ...input.settings,
      });
      if (!resolved.ok) throw new ValidationFailed(resolved.errors);
      settings = JSON.stringify(resolved.settings);
    }
    const protocol = current.protocol as SsoProtocol;
    checkSecrets(protocol, input);
    const secrets = secretsOf(protocol, input);
    await this.checkRoles(tenantId, input.defaultRole, input.groupRoles);
    const updated = await this.repository.update(tenantId, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(settings ? { settings } : {}),
      ...(secrets !== undefined ? { sealed_secrets: this.seal(secrets) } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.allowedDomains ? { allowed_domains: normalizeDomains(input.allowedDomains) } : {}),
      ...(input.blockedDomains ? { blocked_domains: normalizeDomains(input.blockedDomains) } : {}),
      ...(input.jitEnabled !== undefined ? { jit_enabled: input.jitEnabled } : {}),
      ...(input.defaultRole ? { default_role: input.defaultRole } : {}),
      ...(input.groupRoles ? { group_roles: JSON.stringify(input.groupRoles) } : {}),
      ...(input.trustIdpMfa !== undefined ? { trust_idp_mfa: input.trustIdpMfa } : {}),
    });
    if (!updated) throw new NotFound('sso-provider', id);
    if (input.clientSecret !== undefined) recordChange('client_secret', 'old', 'new');
    if (input.decryptionPrivateKey !== undefined)
      recordChange('decryption_private_key', 'old', 'new');
    return updated;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.repository.delete(tenantId, id))) throw new NotFound('sso-provider', id);
  }

  /** A provider for the sign-in routes, in whichever tenant, with its secret opened. */
  async forSignIn(id: string): Promise<SsoProvider | undefined> {
    const row = await this.repository.byId(id);
    if (!row || !row.enabled) return undefined;
    const opened =
      row.sealed_secrets && this.sealer ? this.sealer.open(row.sealed_secrets) : undefined;
    const secrets = opened ? (JSON.parse(opened) as SsoSecrets) : {};
    return {
      row,
      settings: row.settings as SsoSettings,
      clientSecret: secrets.client_secret,
      decryptionPrivateKey: secrets.decryption_private_key,
    };
  }

  /** Fetches the provider's discovery document, as the sign-in will. */
  async testDiscovery(tenantId: string, id: string): Promise<DiscoveryReport> {
    const row = await this.get(tenantId, id);
    const settings = row.settings as SsoSettings;
    if (row.protocol !== 'oidc')
      return {
        ok: true,
        authorization_endpoint: settings.authorization_endpoint,
        token_endpoint: settings.token_endpoint,
        userinfo_endpoint: settings.userinfo_endpoint,
      };
    try {
      const config = await oidc.discovery(
        new URL(settings.issuer!),
        settings.client_id!,
        undefined,
        undefined,
        {
          [oidc.customFetch]: idpFetch(this.config.SSO_ALLOW_HOSTS) as oidc.CustomFetch,
          execute: settings.issuer!.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
        },
      );
      const metadata = config.serverMetadata();
      return {
        ok: true,
        issuer: metadata.issuer,
        authorization_endpoint: metadata.authorization_endpoint,
        token_endpoint: metadata.token_endpoint,
        userinfo_endpoint: metadata.userinfo_endpoint,
        jwks_uri: metadata.jwks_uri,
      };
    } catch (error) {
      return { ok: false, error: failureChain(error) };
    }
  }

  private seal(secrets: SsoSecrets | undefined): string | null {
    if (!secrets || !Object.values(secrets).some(Boolean)) return null;
    if (!this.sealer) throw new SsoNotConfigured();
    return this.sealer.seal(JSON.stringify(secrets));
  }

  private async checkRoles(
    tenantId: string,
    defaultRole: string | undefined,
    groupRoles: Record<string, string> | undefined,
  ): Promise<void> {
    const named = [
      ...(defaultRole ? [['default_role', defaultRole]] : []),
      ...Object.entries(groupRoles ?? {}).map(([group, role]) => [`group_roles.${group}`, role]),
    ];
    const errors = [];
    for (const [field, role] of named) {
      if (role === 'system_admin')
        errors.push({ field, message: 'system_admin cannot be given by an identity provider' });
      else
        await this.rbac
          .getRole(tenantId, role)
          .catch(() => errors.push({ field, message: `no role ${role}` }));
    }
    if (errors.length) throw new ValidationFailed(errors);
  }
}

/**
 * The secret a protocol takes: a client secret for OpenID Connect and OAuth 2.0, a
 * decryption key for SAML (each provider holds one kind, so a change replaces it whole);
 * undefined when the input leaves it as it is.
 */
function secretsOf(protocol: SsoProtocol, input: SsoProviderInput): SsoSecrets | undefined {
  const given = protocol === 'saml' ? input.decryptionPrivateKey : input.clientSecret;
  if (given === undefined) return undefined;
  if (!given) return {};
  return protocol === 'saml' ? { decryption_private_key: given } : { client_secret: given };
}

function checkSecrets(protocol: SsoProtocol, input: SsoProviderInput): void {
  const errors = [];
  if (protocol === 'saml' && input.clientSecret)
    errors.push({ field: 'client_secret', message: 'is not used by SAML providers' });
  if (protocol !== 'saml' && input.decryptionPrivateKey)
    errors.push({ field: 'decryption_private_key', message: 'is only used by SAML providers' });
  if (
    protocol === 'saml' &&
    input.decryptionPrivateKey &&
    !isPrivateKeyPem(input.decryptionPrivateKey)
  )
    errors.push({ field: 'decryption_private_key', message: 'must be an RSA private key (PEM)' });
  if (errors.length) throw new ValidationFailed(errors);
}

function normalizeDomains(domains: string[] | undefined): string[] {
  return [...new Set((domains ?? []).map((d) => d.trim().toLowerCase()).filter(Boolean))];
}
