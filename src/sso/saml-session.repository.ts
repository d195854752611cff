import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** The subject and the IdP's session a SAML sign-in opened one of our sessions with. */
export interface SamlSubject {
  nameId: string;
  nameIdFormat?: string;
  sessionIndex?: string;
}

export interface SamlSessionLink extends SamlSubject {
  sessionId: string;
  tenantId: string;
  providerId: string;
}

/** A live session of ours that an IdP's LogoutRequest names. */
export interface LiveSamlSession {
  sessionId: string;
  tenantId: string;
  userId: string;
}

/**
 * Every statement on `saml_sessions`: which of our sessions a SAML sign-in opened, with the
 * NameID (and its format) and SessionIndex the IdP asserted. A sign-out reads its own
 * session's row to build the LogoutRequest; an IdP's LogoutRequest finds the live sessions
 * of its subject (and of its SessionIndex, when it names one).
 */
const statements = {
  insert: (link: SamlSessionLink) =>
    db.insertInto('saml_sessions').values({
      session_id: link.sessionId,
      tenant_id: link.tenantId,
      provider_id: link.providerId,
      name_id: link.nameId,
      name_id_format: link.nameIdFormat ?? null,
      session_index: link.sessionIndex ?? null,
    }),
  bySession: (tenantId: string, sessionId: string) =>
    db
      .selectFrom('saml_sessions')
      .select(['provider_id', 'name_id', 'name_id_format', 'session_index'])
      .where('tenant_id', '=', tenantId)
      .where('session_id', '=', sessionId),
  liveOf: (tenantId: string, providerId: string, nameId: string, sessionIndex?: string) =>
    db
      .selectFrom('saml_sessions as s')
      .innerJoin('user_sessions as u', 'u.id', 's.session_id')
      .select(['s.session_id', 'u.user_id'])
      .where('s.tenant_id', '=', tenantId)
      .where('s.provider_id', '=', providerId)
      .where('s.name_id', '=', nameId)
      .$if(sessionIndex !== undefined, (qb) => qb.where('s.session_index', '=', sessionIndex!))
      .where('u.tenant_id', '=', tenantId)
      .where('u.revoked_at', 'is', null),
};

@Injectable()
export class SamlSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(link: SamlSessionLink): Promise<void> {
    await rowsOf(this.dataSource, statements.insert(link));
  }

  /** The SAML sign-in behind one of our sessions, if a SAML sign-in opened it. */
  async bySession(tenantId: string, sessionId: string): Promise<SamlSessionLink | undefined> {
    const row = await firstOf(this.dataSource, statements.bySession(tenantId, sessionId));
    return row
      ? {
          sessionId,
          tenantId,
          providerId: row.provider_id,
          nameId: row.name_id,
          nameIdFormat: row.name_id_format ?? undefined,
          sessionIndex: row.session_index ?? undefined,
        }
      : undefined;
  }

  /** The live sessions a provider's subject (and session index, when given) holds here. */
  async liveOf(
    tenantId: string,
    providerId: string,
    subject: { nameId: string; sessionIndex?: string },
  ): Promise<LiveSamlSession[]> {
    const rows = await rowsOf(
      this.dataSource,
      statements.liveOf(tenantId, providerId, subject.nameId, subject.sessionIndex),
    );
    return rows.map((r) => ({ sessionId: r.session_id, tenantId, userId: r.user_id }));
  }
}

const TENANT = '00000000-0000-4000-8000-000000000001';
const PROVIDER = '00000000-0000-4000-8000-000000000002';
const SESSION = '00000000-0000-4000-8000-000000000003';

export const samlSessionStatements: StatementCatalog = {
  file: 'src/sso/queries/saml-session.repository.sql',
  samples: () => [
    {
      name: 'insert',
      statement: statements.insert({
        sessionId: SESSION,
        tenantId: TENANT,
        providerId: PROVIDER,
        nameId: 'alice@acme.test',
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        sessionIndex: '_index',
      }),
    },
    { name: 'bySession', statement: statements.bySession(TENANT, SESSION) },
    { name: 'liveOf', statement: statements.liveOf(TENANT, PROVIDER, 'alice@acme.test') },
    {
      name: 'liveOf (one IdP session)',
      statement: statements.liveOf(TENANT, PROVIDER, 'alice@acme.test', '_index'),
    },
  ],
};
