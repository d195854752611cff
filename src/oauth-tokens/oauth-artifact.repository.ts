import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../database/query-builder';
import type { OauthArtifacts } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type OAuthArtifactRow = Selectable<OauthArtifacts>;

/** What the authorization server stores under a model and id. */
export interface OAuthArtifact {
  model: string;
  id: string;
  tenantId: string | null;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  payload: Record<string, unknown>;
  expiresAt: Date | null;
}

const LIVE = ['payload', 'consumed_at'] as const;

/** The models access tokens are stored under: a user's grant, and client credentials. */
export const ACCESS_TOKEN_MODELS = ['AccessToken', 'ClientCredentials'] as const;

/**
 * Every statement on `oauth_artifacts`. The authorization server finds what it stored by
 * the value a client presents (a code, a token id, a device user code), before any tenant is
 * known, so these reads are not tenant-scoped; the rows carry the tenant of their client so
 * a tenant's purge removes them. An expired row is never returned.
 */
const statements = {
  upsert: (a: OAuthArtifact) =>
    db
      .insertInto('oauth_artifacts')
      .values({
        model: a.model,
        id: a.id,
        tenant_id: a.tenantId,
        grant_id: a.grantId,
        uid: a.uid,
        user_code: a.userCode,
        payload: JSON.stringify(a.payload),
        expires_at: a.expiresAt,
      })
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet((eb) => ({
          tenant_id: eb.ref('excluded.tenant_id'),
          grant_id: eb.ref('excluded.grant_id'),
          uid: eb.ref('excluded.uid'),
          user_code: eb.ref('excluded.user_code'),
          payload: eb.ref('excluded.payload'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      ),
  find: (model: string, id: string) =>
    db
      .selectFrom('oauth_artifacts')
      .select(LIVE)
      .where('model', '=', model)
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', eb.fn<Date>('now'))]),
      ),
  findByUid: (model: string, uid: string) =>
    db
      .selectFrom('oauth_artifacts')
      .select(LIVE)
      .where('model', '=', model)
      .where('uid', '=', uid)
      .where((eb) =>
        eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', eb.fn<Date>('now'))]),
      ),
  findByUserCode: (model: string, userCode: string) =>
    db
      .selectFrom('oauth_artifacts')
      .select(LIVE)
      .where('model', '=', model)
      .where('user_code', '=', userCode)
      .where((eb) =>
        eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', eb.fn<Date>('now'))]),
      ),
  /** Marks the row used, only if it was not: two concurrent uses cannot both succeed. */
  consume: (model: string, id: string) =>
    db
      .updateTable('oauth_artifacts')
      .set({ consumed_at: db.fn('now') })
      .where('model', '=', model)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .returning('grant_id'),
  destroy: (model: string, id: string) =>
    db
      .deleteFrom('oauth_artifacts')
      .where('model', '=', model)
      .where('id', '=', id)
      .returning('grant_id'),
  /** Everything issued under a grant, and the grant itself. */
  revokeGrant: (grantId: string) =>
    db
      .deleteFrom('oauth_artifacts')
      .where((eb) =>
        eb.or([
          eb('grant_id', '=', grantId),
          eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)]),
        ]),
      ),
  /** Everything a client holds: codes, tokens, grants, device codes. */
  revokeClient: (clientId: string) =>
    db.deleteFrom('oauth_artifacts').where(sql<string>`payload->>'clientId'`, '=', clientId),
  /** An issued access token (a user's or a client's) while it is on record and unexpired. */
  liveToken: (id: string) =>
    db
      .selectFrom('oauth_artifacts')
      .select(['grant_id', 'expires_at'])
      .where('model', 'in', [...ACCESS_TOKEN_MODELS])
      .where('id', '=', id)
      .where('expires_at', '>', db.fn<Date>('now')),
  deleteExpired: (limit: number) =>
    db
      .deleteFrom('oauth_artifacts')
      .where('expires_at', '<', db.fn<Date>('now'))
      .where(
        sql<string>`ctid`,
        'in',
        db
          .selectFrom('oauth_artifacts')
          .select(sql<string>`ctid`.as('ctid'))
          .where('expires_at', '<', db.fn<Date>('now'))
          .limit(limit),
      ),
};

export interface StoredArtifact {
  payload: Record<string, unknown>;
  consumedAt: Date | null;
}

@Injectable()
export class OAuthArtifactRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(artifact: OAuthArtifact): Promise<void> {
    await rowsOf(this.dataSource, statements.upsert(artifact));
  }

  async find(model: string, id: string): Promise<StoredArtifact | undefined> {
    return stored(await firstOf(this.dataSource, statements.find(model, id)));
  }

  async findByUid(model: string, uid: string): Promise<StoredArtifact | undefined> {
    return stored(await firstOf(this.dataSource, statements.findByUid(model, uid)));
  }

  async findByUserCode(model: string, userCode: string): Promise<StoredArtifact | undefined> {
    return stored(await firstOf(this.dataSource, statements.findByUserCode(model, userCode)));
  }

  /** False when the row was already used (or is gone): the caller lost the race. */
  async consume(model: string, id: string): Promise<boolean> {
    return (await rowsOf(this.dataSource, statements.consume(model, id))).length > 0;
  }

  /** The grant of the removed row, if it had one. */
  async destroy(model: string, id: string): Promise<string | null | undefined> {
    return (await firstOf(this.dataSource, statements.destroy(model, id)))?.grant_id;
  }

  async revokeGrant(grantId: string): Promise<number> {
    return affectedBy(this.dataSource, statements.revokeGrant(grantId));
  }

  async revokeClient(clientId: string): Promise<number> {
    return affectedBy(this.dataSource, statements.revokeClient(clientId));
  }

  /** The token's grant (null for client credentials) while it is on record and unexpired. */
  async liveToken(id: string): Promise<{ grantId: string | null; expiresAt: Date } | undefined> {
    const row = await firstOf(this.dataSource, statements.liveToken(id));
    return row && row.expires_at ? { grantId: row.grant_id, expiresAt: row.expires_at } : undefined;
  }

  deleteExpired(limit: number): Promise<number> {
    return affectedBy(this.dataSource, statements.deleteExpired(limit));
  }
}

function stored(
  row: Pick<OAuthArtifactRow, 'payload' | 'consumed_at'> | undefined,
): StoredArtifact | undefined {
  if (!row) return undefined;
  const payload = (
    typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
  ) as Record<string, unknown>;
  return { payload, consumedAt: row.consumed_at };
}

export const oauthArtifactStatements: StatementCatalog = {
  file: 'src/oauth-tokens/queries/oauth-artifact.repository.sql',
  samples() {
    const artifact: OAuthArtifact = {
      model: 'AuthorizationCode',
      id: 'code-id',
      tenantId: '00000000-0000-4000-8000-000000000001',
      grantId: 'grant-id',
      uid: null,
      userCode: null,
      payload: { kind: 'AuthorizationCode', jti: 'code-id' },
      expiresAt: new Date('2026-01-01T00:00:00Z'),
    };
    return [
      { name: 'upsert', statement: statements.upsert(artifact) },
      { name: 'find', statement: statements.find('AccessToken', 'jti') },
      { name: 'findByUid', statement: statements.findByUid('Session', 'uid') },
      { name: 'findByUserCode', statement: statements.findByUserCode('DeviceCode', 'ABCD-EFGH') },
      { name: 'consume', statement: statements.consume('RefreshToken', 'id') },
      { name: 'destroy', statement: statements.destroy('AccessToken', 'jti') },
      { name: 'revokeGrant', statement: statements.revokeGrant('grant-id') },
      { name: 'revokeClient', statement: statements.revokeClient('avc_client') },
      { name: 'liveToken', statement: statements.liveToken('jti') },
      { name: 'deleteExpired', statement: statements.deleteExpired(1000) },
    ];
  },
};
