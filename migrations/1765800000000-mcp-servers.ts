import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * The MCP servers each tenant's administrators connect as sources of tools: how to reach
 * them (a sandboxed command or a Streamable HTTP URL, with sealed env values and headers),
 * the permission, risk and approval their tools get, and what the last connection saw.
 */
export class McpServers1765800000000 implements MigrationInterface {
  name = 'McpServers1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mcp_servers (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        description text,
        transport text NOT NULL CHECK (transport IN ('stdio', 'http')),
        command text,
        args text[] NOT NULL DEFAULT '{}',
        working_dir text,
        sealed_env jsonb NOT NULL DEFAULT '{}',
        url text,
        sealed_headers jsonb NOT NULL DEFAULT '{}',
        default_permission text NOT NULL DEFAULT 'EXECUTE'
          CHECK (default_permission IN ('READ_ONLY', 'READ_WRITE', 'EXECUTE', 'ADMIN')),
        default_risk text NOT NULL DEFAULT 'HIGH'
          CHECK (default_risk IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
        default_requires_approval boolean NOT NULL DEFAULT true,
        tool_overrides jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_by uuid,
        last_status text NOT NULL DEFAULT 'UNKNOWN'
          CHECK (last_status IN ('UNKNOWN', 'CONNECTED', 'FAILED')),
        last_error text,
        last_tools jsonb,
        last_checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name),
        CHECK (transport <> 'stdio' OR command IS NOT NULL),
        CHECK (transport <> 'http' OR url IS NOT NULL)
      )`);
    await q.query(`ALTER TABLE mcp_servers ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON mcp_servers
        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON mcp_servers TO ${TENANT_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS mcp_servers`);
  }
}
