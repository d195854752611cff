import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../../database/query-builder';
import type { OauthClients } from '../../database/schema.generated';
import type { StatementCatalog } from '../../database/statement-catalog';

export type OAuthClientRow = Selectable<OauthClients>;
export type NewOAuthClientRow = Omit<
  Insertable<OauthClients>,
  'created_at' | 'updated_at' | 'secret_rotated_at'
>;
/** What an administrator may change; the type, the secret and the owner are not among it. */
export type OAuthClientChanges = Pick<
  Updateable<OauthClients>,
  'name' | 'redirect_uris' | 'post_logout_redirect_uris' | 'grant_types' | 'scopes' | 'skip_consent'
>;
/** The settings a change was checked against: it applies only while they still hold. */
export type OAuthClientSettings = Pick<
  OAuthClientRow,
  'redirect_uris' | 'post_logout_redirect_uris' | 'grant_types' | 'scopes' | 'skip_consent'
>;

/**
 * Every statement on `oauth_clients`; each takes the tenant's id but `byClientId`, which the
 * authorization server uses to find the client a request names before it knows the tenant
 * (the client's row then says which tenant it belongs to).
 */
const statements = {
  insert: (row: NewOAuthClientRow) => db.insertInto('oauth_clients').values(row).returningAll(),
  byId: (tenantId: string, clientId: string) =>
    db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId),
  byClientId: (clientId: string) =>
    db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId),
  /** A page of a tenant's clients, newest first. */
  list: (tenantId: string, limit: number, offset: number) =>
    db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('client_id', 'desc')
      .limit(limit)
      .offset(offset),
  count: (tenantId: string) =>
    db
      .selectFrom('oauth_clients')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('tenant_id', '=', tenantId),
  /**
   * Applies `changes` only while the settings they were checked against still hold, so two
   * concurrent changes cannot together leave a combination neither was checked for.
   */
  update: (
    tenantId: string,
    clientId: string,
    changes: OAuthClientChanges,
    checked: OAuthClientSettings,
  ) =>
    db
      .updateTable('oauth_clients')
      .set({
        name: changes.name,
        redirect_uris: changes.redirect_uris,
        post_logout_redirect_uris: changes.post_logout_redirect_uris,
        grant_types: changes.grant_types,
        scopes: changes.scopes,
        skip_consent: changes.skip_consent,
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .where((eb) =>
        eb.and([
          eb('redirect_uris', '=', eb.val(checked.redirect_uris)),
          eb('post_logout_redirect_uris', '=', eb.val(checked.post_logout_redirect_uris)),
          eb('grant_types', '=', eb.val(checked.grant_types)),
          eb('scopes', '=', eb.val(checked.scopes)),
          eb('skip_consent', '=', checked.skip_consent),
        ]),
      )
      .returningAll(),
  /** A new secret for a confidential client; the old one stops matching at once. */
  rotateSecret: (tenantId: string, clientId: string, secretHash: string) =>
    db
      .updateTable('oauth_clients')
      .set({
        secret_hash: secretHash,
        secret_rotated_at: db.fn('now'),
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .where('client_type', '=', sql.lit('confidential'))
      .returningAll(),
  delete: (tenantId: string, clientId: string) =>
    db
      .deleteFrom('oauth_clients')
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId),
};

@Injectable()
export class OAuthClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: NewOAuthClientRow): Promise<OAuthClientRow> {
    return (await firstOf(this.dataSource, statements.insert(row)))!;
  }

  byId(tenantId: string, clientId: string): Promise<OAuthClientRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, clientId));
  }

  /**
   * The client a request to the authorization server names, in whichever tenant: the one
   * read without a tenant, since the server learns the tenant from the client's row. Never
   * answer an administrator with it; they see their own tenant's clients through `byId`.
   */
  byClientId(clientId: string): Promise<OAuthClientRow | undefined> {
    return firstOf(this.dataSource, statements.byClientId(clientId));
  }

  list(tenantId: string, limit: number, offset: number): Promise<OAuthClientRow[]> {
    return rowsOf(this.dataSource, statements.list(tenantId, limit, offset));
  }

  async count(tenantId: string): Promise<number> {
    return (await firstOf(this.dataSource, statements.count(tenantId)))?.count ?? 0;
  }

  /** The changed row, or undefined when the client is gone or its settings moved meanwhile. */
  update(
    tenantId: string,
    clientId: string,
    changes: OAuthClientChanges,
    checked: OAuthClientSettings,
  ): Promise<OAuthClientRow | undefined> {
    return firstOf(this.dataSource, statements.update(tenantId, clientId, changes, checked));
  }

  /** The rotated row, or undefined when there is no such confidential client. */
  rotateSecret(
    tenantId: string,
    clientId: string,
    secretHash: string,
  ): Promise<OAuthClientRow | undefined> {
    return firstOf(this.dataSource, statements.rotateSecret(tenantId, clientId, secretHash));
  }

  /** Whether a client was deleted. */
  async delete(tenantId: string, clientId: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.delete(tenantId, clientId))) > 0;
  }
}

export const oauthClientStatements: StatementCatalog = {
  file: 'src/oauth/clients/queries/oauth-client.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const owner = '00000000-0000-0000-0000-0000000000b1';
    const clientId = 'avc_AAAAAAAAAAAAAAAAAAAAAA';
    const settings: OAuthClientSettings = {
      redirect_uris: ['https://app.example.com/callback'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile'],
      skip_consent: false,
    };
    return [
      {
        name: 'insert',
        statement: statements.insert({
          client_id: clientId,
          tenant_id: tenant,
          owner_user_id: owner,
          name: 'Reporting app',
          client_type: 'confidential',
          secret_hash: 'hash',
          auth_method: 'client_secret_basic',
          ...settings,
        }),
      },
      { name: 'byId', statement: statements.byId(tenant, clientId) },
      { name: 'byClientId', statement: statements.byClientId(clientId) },
      { name: 'list', statement: statements.list(tenant, 20, 0) },
      { name: 'count', statement: statements.count(tenant) },
      {
        name: 'update',
        statement: statements.update(
          tenant,
          clientId,
          {
            name: 'Reporting',
            redirect_uris: ['https://app.example.com/cb'],
            post_logout_redirect_uris: ['https://app.example.com/'],
            grant_types: ['authorization_code'],
            scopes: ['openid'],
            skip_consent: false,
          },
          settings,
        ),
      },
      {
        name: 'update of the name',
        statement: statements.update(tenant, clientId, { name: 'Reporting' }, settings),
      },
      { name: 'rotateSecret', statement: statements.rotateSecret(tenant, clientId, 'hash2') },
      { name: 'delete', statement: statements.delete(tenant, clientId) },
    ];
  },
};
