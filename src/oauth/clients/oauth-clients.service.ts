import { Injectable } from '@nestjs/common';
import { Conflict, DomainError, NotFound, ValidationFailed } from '#common';
import { accessInvalidation } from '../../common/access-invalidation';
import { OAuthArtifactRepository } from '../../oauth-tokens/oauth-artifact.repository';
import { nameResource, recordChange } from '../../common/request-context';
import {
  CLIENT_ID_PATTERN,
  generateClientId,
  generateClientSecret,
} from '../oauth-client-credentials';
import {
  OAuthClientRepository,
  type OAuthClientChanges,
  type OAuthClientRow,
} from './oauth-client.repository';
import {
  authMethodFor,
  clientSettingsErrors,
  DEFAULT_GRANT_TYPES,
  DEFAULT_SCOPES,
  distinct,
  type ClientType,
} from './oauth-client-rules';

export interface OAuthClient {
  clientId: string;
  tenantId: string;
  ownerUserId: string | null;
  name: string;
  clientType: ClientType;
  authMethod: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  scopes: string[];
  skipConsent: boolean;
  createdAt: Date;
  updatedAt: Date;
  secretRotatedAt: Date | null;
}

const toClient = (r: OAuthClientRow): OAuthClient => ({
  clientId: r.client_id,
  tenantId: r.tenant_id,
  ownerUserId: r.owner_user_id,
  name: r.name,
  clientType: r.client_type as ClientType,
  authMethod: r.auth_method,
  redirectUris: r.redirect_uris,
  postLogoutRedirectUris: r.post_logout_redirect_uris,
  grantTypes: r.grant_types,
  scopes: r.scopes,
  skipConsent: r.skip_consent,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  secretRotatedAt: r.secret_rotated_at ? new Date(r.secret_rotated_at) : null,
});

export interface NewOAuthClient {
  name: string;
  clientType?: ClientType;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  grantTypes?: string[];
  scopes?: string[];
  authMethod?: string;
  skipConsent?: boolean;
}

export interface OAuthClientUpdate {
  name?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  grantTypes?: string[];
  scopes?: string[];
  skipConsent?: boolean;
}

/**
 * What the caller may do to first-party clients (`skip_consent`: users are not asked before
 * such a client receives their tokens). Only tenant administrators (`admin:access`) mark a
 * client first-party or change where an existing one sends tokens.
 */
export interface ClientActor {
  mayManageFirstParty: boolean;
}

/** 403: only a tenant administrator may make a client first-party or change one. */
export class FirstPartyClientForbidden extends DomainError {
  constructor(detail: string) {
    super(403, 'forbidden-first-party-client', 'Forbidden', detail);
  }
}

/**
 * The registered OAuth clients of each tenant. A client's secret is answered once, when it
 * is made; only its hash is stored. Deleting a client or rotating its secret tells every
 * process's authorization server to drop what it holds of the client before it answers.
 */
@Injectable()
export class OAuthClientsService {
  constructor(
    private readonly clients: OAuthClientRepository,
    private readonly artifacts: OAuthArtifactRepository,
  ) {}

  async create(
    tenantId: string,
    ownerUserId: string,
    input: NewOAuthClient,
    actor: ClientActor,
  ): Promise<{ client: OAuthClient; secret?: string }> {
    const clientType = input.clientType ?? 'confidential';
    const settings = {
      clientType,
      redirectUris: distinct(input.redirectUris ?? []),
      postLogoutRedirectUris: distinct(input.postLogoutRedirectUris ?? []),
      grantTypes: distinct(input.grantTypes ?? DEFAULT_GRANT_TYPES),
      scopes: distinct(input.scopes ?? DEFAULT_SCOPES),
      authMethod: authMethodFor(clientType, input.authMethod),
    };
    const errors = clientSettingsErrors(settings);
    if (errors.length) throw new ValidationFailed(errors);
    if (input.skipConsent && !actor.mayManageFirstParty)
      throw new FirstPartyClientForbidden(
        'Only a tenant administrator (admin:access) may let a client skip consent.',
      );
    const generated = clientType === 'confidential' ? generateClientSecret() : undefined;
    const row = await this.clients.insert({
      client_id: generateClientId(),
      tenant_id: tenantId,
      owner_user_id: ownerUserId,
      name: input.name,
      client_type: clientType,
      secret_hash: generated?.secretHash ?? null,
      auth_method: settings.authMethod,
      redirect_uris: settings.redirectUris,
      post_logout_redirect_uris: settings.postLogoutRedirectUris,
      grant_types: settings.grantTypes,
      scopes: settings.scopes,
      skip_consent: input.skipConsent ?? false,
    });
    nameResource(row.client_id);
    return { client: toClient(row), secret: generated?.secret };
  }

  async list(
    tenantId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: OAuthClient[]; total: number }> {
    const rows = await this.clients.list(tenantId, limit, offset);
    const total = await this.clients.count(tenantId);
    return { items: rows.map(toClient), total };
  }

  /** A client of this tenant; another tenant's is as unknown as one that does not exist. */
  async get(tenantId: string, clientId: string): Promise<OAuthClient> {
    return toClient(await this.row(tenantId, clientId));
  }

  /**
   * Changes what the request names, checked together with what it leaves as it is; the type
   * cannot change. Changing where a first-party client sends tokens (its redirect URIs,
   * grant types or scopes) is for tenant administrators, as making one first-party is.
   */
  async update(
    tenantId: string,
    clientId: string,
    changes: OAuthClientUpdate,
    actor: ClientActor,
  ): Promise<OAuthClient> {
    const current = await this.row(tenantId, clientId);
    const next = {
      redirect_uris: changes.redirectUris ? distinct(changes.redirectUris) : current.redirect_uris,
      post_logout_redirect_uris: changes.postLogoutRedirectUris
        ? distinct(changes.postLogoutRedirectUris)
        : current.post_logout_redirect_uris,
      grant_types: changes.grantTypes ? distinct(changes.grantTypes) : current.grant_types,
      scopes: changes.scopes ? distinct(changes.scopes) : current.scopes,
      skip_consent: changes.skipConsent ?? current.skip_consent,
    };
    const errors = clientSettingsErrors({
      clientType: current.client_type as ClientType,
      redirectUris: next.redirect_uris,
      postLogoutRedirectUris: next.post_logout_redirect_uris,
      grantTypes: next.grant_types,
      scopes: next.scopes,
      authMethod: current.auth_method,
    });
    if (errors.length) throw new ValidationFailed(errors);
    if (!actor.mayManageFirstParty) {
      if (next.skip_consent && !current.skip_consent)
        throw new FirstPartyClientForbidden(
          'Only a tenant administrator (admin:access) may let a client skip consent.',
        );
      const redirects =
        changes.redirectUris !== undefined ||
        changes.postLogoutRedirectUris !== undefined ||
        changes.grantTypes !== undefined ||
        changes.scopes !== undefined;
      if (next.skip_consent && redirects)
        throw new FirstPartyClientForbidden(
          'Only a tenant administrator (admin:access) may change the redirect URIs, grant ' +
            'types or scopes of a client that skips consent.',
        );
    }
    const set: OAuthClientChanges = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.redirectUris ? { redirect_uris: next.redirect_uris } : {}),
      ...(changes.postLogoutRedirectUris
        ? { post_logout_redirect_uris: next.post_logout_redirect_uris }
        : {}),
      ...(changes.grantTypes ? { grant_types: next.grant_types } : {}),
      ...(changes.scopes ? { scopes: next.scopes } : {}),
      ...(changes.skipConsent !== undefined ? { skip_consent: next.skip_consent } : {}),
    };
    if (!Object.keys(set).length) return toClient(current);
    const updated = await this.clients.update(tenantId, clientId, set, current);
    if (!updated) {
      await this.row(tenantId, clientId);
      throw new Conflict(
        'oauth-client-changed',
        'Client changed',
        'The client was changed by another request meanwhile: read it again and retry.',
      );
    }
    for (const field of Object.keys(set) as Array<keyof OAuthClientChanges>)
      if (JSON.stringify(current[field]) !== JSON.stringify(updated[field]))
        recordChange(field, current[field], updated[field]);
    await accessInvalidation.oauthClientChanged(clientId);
    return toClient(updated);
  }

  /**
   * A new secret for a confidential client, answered once; the old one stops working at
   * once, in every process.
   */
  async rotateSecret(
    tenantId: string,
    clientId: string,
    actor: ClientActor,
  ): Promise<{ client: OAuthClient; secret: string }> {
    const current = await this.row(tenantId, clientId);
    if (current.client_type !== 'confidential')
      throw new Conflict(
        'oauth-client-public',
        'Public client',
        'A public client has no secret to rotate.',
      );
    if (current.skip_consent && !actor.mayManageFirstParty)
      throw new FirstPartyClientForbidden(
        'Only a tenant administrator (admin:access) may rotate the secret of a client that ' +
          'skips consent.',
      );
    const generated = generateClientSecret();
    const rotated = await this.clients.rotateSecret(tenantId, clientId, generated.secretHash);
    if (!rotated) throw new NotFound('oauth-client', clientId);
    recordChange('client_secret', current.secret_hash, rotated.secret_hash);
    await accessInvalidation.oauthClientChanged(clientId);
    return { client: toClient(rotated), secret: generated.secret };
  }

  async delete(tenantId: string, clientId: string): Promise<void> {
    if (!CLIENT_ID_PATTERN.test(clientId) || !(await this.clients.delete(tenantId, clientId)))
      throw new NotFound('oauth-client', clientId);
    // Its codes, tokens and grants end with it, in every process before this answers.
    await this.artifacts.revokeClient(clientId);
    await accessInvalidation.oauthClientChanged(clientId);
  }

  private async row(tenantId: string, clientId: string): Promise<OAuthClientRow> {
    const row = CLIENT_ID_PATTERN.test(clientId)
      ? await this.clients.byId(tenantId, clientId)
      : undefined;
    if (!row) throw new NotFound('oauth-client', clientId);
    return row;
  }
}
