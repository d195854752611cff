import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * SAML single logout: which session a SAML sign-in opened, with the subject the IdP named
 * (NameID and its format) and the IdP's own session (SessionIndex), so that signing out
 * here can ask the IdP to end its session too, and a LogoutRequest from the IdP finds the
 * sessions it ends.
 */
export class SamlSessions1765600000000 implements MigrationInterface {
  name = 'SamlSessions1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saml_sessions (
        session_id uuid PRIMARY KEY REFERENCES user_sessions(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        provider_id uuid NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
        name_id text NOT NULL,
        name_id_format text,
        session_index text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX saml_sessions_subject_idx ON saml_sessions (provider_id, name_id)`);
    await q.query(`ALTER TABLE saml_sessions ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON saml_sessions
        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON saml_sessions TO ${TENANT_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS saml_sessions`);
  }
}
