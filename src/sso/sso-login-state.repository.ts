import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

export interface NewLoginState {
  stateHash: string;
  providerId: string;
  tenantId: string;
  payload: Record<string, unknown>;
  expiresAt: Date;
}

/**
 * The key a sign-in in progress is stored under: the SHA-256 of what the identity provider
 * sends back (the OAuth state, the SAML request id), so the table holds nothing to replay.
 */
export const hashLoginKey = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Every statement on `sso_login_states`: a sign-in in progress, found by the hash of the
 * state (or SAML request id) the identity provider sends back, and taken once (delete …
 * returning), so a state replayed to any process finds nothing.
 */
const statements = {
  insert: (s: NewLoginState) =>
    db.insertInto('sso_login_states').values({
      state_hash: s.stateHash,
      provider_id: s.providerId,
      tenant_id: s.tenantId,
      payload: JSON.stringify(s.payload),
      expires_at: s.expiresAt,
    }),
  take: (stateHash: string, providerId: string) =>
    db
      .deleteFrom('sso_login_states')
      .where('state_hash', '=', stateHash)
      .where('provider_id', '=', providerId)
      .returning(['payload', 'expires_at']),
  /** A state whose key alone names it (the provider is read from the row). */
  takeAny: (stateHash: string) =>
    db
      .deleteFrom('sso_login_states')
      .where('state_hash', '=', stateHash)
      .returning(['provider_id', 'tenant_id', 'payload', 'expires_at']),
  deleteExpired: () =>
    db.deleteFrom('sso_login_states').where('expires_at', '<', db.fn<Date>('now')),
};

@Injectable()
export class SsoLoginStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(state: NewLoginState): Promise<void> {
    await rowsOf(this.dataSource, statements.insert(state));
  }

  /** The state's payload, once, while unexpired; undefined otherwise. */
  async take(stateHash: string, providerId: string): Promise<Record<string, unknown> | undefined> {
    const row = await firstOf(this.dataSource, statements.take(stateHash, providerId));
    if (!row || row.expires_at.getTime() <= Date.now()) return undefined;
    return (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >;
  }

  /** The state, its provider and tenant, once, while unexpired; undefined otherwise. */
  async takeAny(stateHash: string): Promise<
    | {
        providerId: string;
        tenantId: string;
        payload: Record<string, unknown>;
      }
    | undefined
  > {
    const row = await firstOf(this.dataSource, statements.takeAny(stateHash));
    if (!row || row.expires_at.getTime() <= Date.now()) return undefined;
    const payload = (
      typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
    ) as Record<string, unknown>;
    return { providerId: row.provider_id, tenantId: row.tenant_id, payload };
  }

  async deleteExpired(): Promise<void> {
    await rowsOf(this.dataSource, statements.deleteExpired());
  }
}

export const ssoLoginStateStatements: StatementCatalog = {
  file: 'src/sso/queries/sso-login-state.repository.sql',
  samples: () => [
    {
      name: 'insert',
      statement: statements.insert({
        stateHash: 'hash',
        providerId: '00000000-0000-4000-8000-000000000002',
        tenantId: '00000000-0000-4000-8000-000000000001',
        payload: { nonce: 'n' },
        expiresAt: new Date('2026-01-01T00:10:00Z'),
      }),
    },
    { name: 'take', statement: statements.take('hash', '00000000-0000-4000-8000-000000000002') },
    { name: 'takeAny', statement: statements.takeAny('hash') },
    { name: 'deleteExpired', statement: statements.deleteExpired() },
  ],
};
