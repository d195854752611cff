import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * Single sign-on: each tenant's identity providers (OpenID Connect, plain OAuth 2.0,
 * SAML 2.0) with their settings, sealed secrets, domain rules and just-in-time user rules;
 * and the short-lived state of sign-ins in progress (state, nonce, PKCE verifier, SAML
 * request id), shared by every API process and used once.
 */
export class Sso1765500000000 implements MigrationInterface {
  name = 'Sso1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sso_providers (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        template text NOT NULL,
        protocol text NOT NULL CHECK (protocol IN ('oidc', 'oauth2', 'saml')),
        enabled boolean NOT NULL DEFAULT true,
        settings jsonb NOT NULL DEFAULT '{}',
        sealed_secrets text,
        allowed_domains text[] NOT NULL DEFAULT '{}',
        blocked_domains text[] NOT NULL DEFAULT '{}',
        jit_enabled boolean NOT NULL DEFAULT true,
        default_role text NOT NULL DEFAULT 'viewer',
        group_roles jsonb NOT NULL DEFAULT '{}',
        trust_idp_mfa boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sso_providers_tenant_idx ON sso_providers (tenant_id, created_at)`);

    await q.query(`
      CREATE TABLE sso_login_states (
        state_hash text PRIMARY KEY,
        provider_id uuid NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        payload jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sso_login_states_expiry_idx ON sso_login_states (expires_at)`);

    // A second factor after an identity provider completes a session of that method.
    await q.query(`
      ALTER TABLE mfa_challenges ADD COLUMN auth_method text NOT NULL DEFAULT 'password'
        CHECK (auth_method IN ('password', 'sso'))`);

    for (const table of ['sso_providers', 'sso_login_states']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_DB_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mfa_challenges DROP COLUMN auth_method`);
    await q.query(`DROP TABLE IF EXISTS sso_login_states`);
    await q.query(`DROP TABLE IF EXISTS sso_providers`);
  }
}
