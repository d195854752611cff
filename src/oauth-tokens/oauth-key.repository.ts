import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { db, rowsOf } from '../database/query-builder';
import type { OauthKeys } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type OAuthKeyRow = Selectable<OauthKeys>;
export type NewOAuthKeyRow = Omit<
  Insertable<OauthKeys>,
  'created_at' | 'retired_at' | 'unpublish_after'
>;

/** Every statement on `oauth_keys`: the installation's keys, not a tenant's. */
const statements = {
  insert: (row: NewOAuthKeyRow) => db.insertInto('oauth_keys').values(row),
  /** Keys still published, newest first (the first of an algorithm signs). */
  published: () =>
    db
      .selectFrom('oauth_keys')
      .selectAll()
      .where((eb) =>
        eb.or([eb('unpublish_after', 'is', null), eb('unpublish_after', '>', eb.fn<Date>('now'))]),
      )
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc'),
  /** Stops the current signing keys from signing; they stay published for `keepSeconds`. */
  retireSigning: (exceptKids: string[], keepSeconds: number) =>
    db
      .updateTable('oauth_keys')
      .set({
        retired_at: sql<Date>`now()`,
        unpublish_after: sql<Date>`now() + make_interval(secs => ${keepSeconds})`,
      })
      .where('purpose', '=', 'signing')
      .where('retired_at', 'is', null)
      .$if(exceptKids.length > 0, (qb) => qb.where('kid', 'not in', exceptKids)),
};

@Injectable()
export class OAuthKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(rows: NewOAuthKeyRow[]): Promise<void> {
    for (const row of rows) await rowsOf(this.dataSource, statements.insert(row));
  }

  published(): Promise<OAuthKeyRow[]> {
    return rowsOf(this.dataSource, statements.published());
  }

  async retireSigning(exceptKids: string[], keepSeconds: number): Promise<void> {
    await rowsOf(this.dataSource, statements.retireSigning(exceptKids, keepSeconds));
  }
}

export const oauthKeyStatements: StatementCatalog = {
  file: 'src/oauth-tokens/queries/oauth-key.repository.sql',
  samples: () => [
    {
      name: 'insert',
      statement: statements.insert({
        kid: 'kid-1',
        purpose: 'signing',
        alg: 'RS256',
        public_jwk: JSON.stringify({ kty: 'RSA', kid: 'kid-1' }),
        sealed_secret: 'v1.iv.ciphertext.tag',
      }),
    },
    { name: 'published', statement: statements.published() },
    { name: 'retireSigning', statement: statements.retireSigning(['kid-2'], 3600) },
  ],
};
