import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * The OAuth 2.0 / OpenID Connect authorization server's storage:
 * - `oauth_clients`: registered clients per tenant, the secret stored as a hash only;
 * - `oauth_artifacts`: what the authorization server keeps between requests (codes, tokens,
 *   grants, device codes, interactions, its sessions), one row per model and id, with the
 *   indexes it looks them up by (grant, session uid, device user code);
 * - `oauth_keys`: the signing keys and cookie keys, private parts sealed, kept published
 *   after rotation until the tokens they signed have expired.
 */
export class OAuthServer1765400000000 implements MigrationInterface {
  name = 'OAuthServer1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oauth_clients (
        client_id text PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        owner_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        name text NOT NULL,
        client_type text NOT NULL CHECK (client_type IN ('confidential', 'public')),
        secret_hash text,
        auth_method text NOT NULL
          CHECK (auth_method IN ('client_secret_basic', 'client_secret_post', 'none')),
        redirect_uris text[] NOT NULL DEFAULT '{}',
        post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
        grant_types text[] NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        skip_consent boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz,
        CHECK ((client_type = 'public') = (secret_hash IS NULL)),
        CHECK ((client_type = 'public') = (auth_method = 'none'))
      )`);
    await q.query(`CREATE INDEX oauth_clients_tenant_idx ON oauth_clients (tenant_id, created_at)`);

    await q.query(`
      CREATE TABLE oauth_artifacts (
        model text NOT NULL,
        id text NOT NULL,
        tenant_id uuid REFERENCES tenants(id),
        grant_id text,
        uid text,
        user_code text,
        payload jsonb NOT NULL,
        expires_at timestamptz,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model, id)
      )`);
    await q.query(
      `CREATE INDEX oauth_artifacts_grant_idx ON oauth_artifacts (grant_id) WHERE grant_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oauth_artifacts_uid_idx ON oauth_artifacts (uid) WHERE uid IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oauth_artifacts_user_code_idx ON oauth_artifacts (user_code) WHERE user_code IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oauth_artifacts_expiry_idx ON oauth_artifacts (expires_at) WHERE expires_at IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE oauth_keys (
        kid text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('signing', 'cookie')),
        alg text NOT NULL,
        public_jwk jsonb,
        sealed_secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        unpublish_after timestamptz
      )`);

    // Rows of the authorization server's own (sessions, interactions) have no tenant: the
    // restricted tenant role sees none of them.
    for (const table of ['oauth_clients', 'oauth_artifacts']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_DB_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS oauth_keys`);
    await q.query(`DROP TABLE IF EXISTS oauth_artifacts`);
    await q.query(`DROP TABLE IF EXISTS oauth_clients`);
  }
}
