import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * Webhooks: each tenant's endpoints (sealed secrets, subscriptions, filters, status), one
 * delivery row per event and endpoint, and every attempt of each delivery.
 *
 * The outbox: a statement trigger on `goal_events` writes the deliveries of every goal
 * event a matching ACTIVE endpoint subscribes to, in the transaction that appends the
 * event, whichever statement appends it. A rolled-back change leaves no delivery, and a
 * committed event cannot lose its deliveries to a crash. Events that are not goal events
 * use the same SQL functions to match and shape them (`WebhookPublisher`).
 */
export class Webhooks1765700000000 implements MigrationInterface {
  name = 'Webhooks1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        owner_id uuid,
        name text NOT NULL,
        description text,
        url text NOT NULL,
        events text[] NOT NULL,
        filters jsonb,
        status text NOT NULL DEFAULT 'ACTIVE'
          CHECK (status IN ('ACTIVE', 'PAUSED', 'DISABLED', 'FAILED')),
        status_reason text,
        standard_webhooks boolean NOT NULL DEFAULT false,
        sealed_secret text NOT NULL,
        sealed_previous_secret text,
        previous_secret_expires_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        last_delivery_at timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at)`,
    );
    await q.query(
      `CREATE INDEX webhook_endpoints_active_idx ON webhook_endpoints (tenant_id) WHERE status = 'ACTIVE'`,
    );
    await q.query(`CREATE INDEX webhook_endpoints_owner_idx ON webhook_endpoints (owner_id)`);

    // Written on the goal's path by the outbox trigger: no foreign key to tenants (the
    // endpoint's row carries it, and the purge finds tables by their tenant_id) and only
    // the indexes that sending and listing need, to keep that insert cheap.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING'
          CHECK (status IN ('PENDING', 'DELIVERED', 'RETRYING', 'EXPIRED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_token uuid,
        locked_until timestamptz,
        redelivery_of uuid,
        last_response_status integer,
        last_error text,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
        WHERE status IN ('PENDING', 'RETRYING')`);
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC)`,
    );
    // For retention: only finished rows, so the insert on the goal's path does not pay for it.
    await q.query(`
      CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (created_at)
        WHERE status IN ('DELIVERED', 'EXPIRED')`);

    await q.query(`
      CREATE TABLE webhook_attempts (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        response_status integer,
        response_body text,
        error text,
        UNIQUE (delivery_id, attempt)
      )`);

    // '*', an exact type, or its category's wildcard ('goal.*' for 'goal.completed'): one
    // array overlap, which the planner inlines.
    await q.query(`
      CREATE FUNCTION webhook_event_matches(patterns text[], event_type text) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT patterns && ARRAY['*', event_type, split_part(event_type, '.', 1) || '.*']
        $$`);
    // Every filter field must match: equal, one of a list, or contained in a list field.
    await q.query(`
      CREATE FUNCTION webhook_filters_match(filters jsonb, fields jsonb) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT filters IS NULL OR NOT EXISTS (
            SELECT 1 FROM jsonb_each(filters) AS f
            WHERE NOT coalesce(
              fields -> f.key = f.value
              OR (jsonb_typeof(f.value) = 'array'
                  AND f.value @> jsonb_build_array(fields -> f.key))
              OR (jsonb_typeof(fields -> f.key) = 'array'
                  AND jsonb_typeof(f.value) <> 'array'
                  AND fields -> f.key @> f.value),
              false))
        $$`);
    // The body every receiver gets: event_id, event_type, timestamp, data, tenant_id.
    await q.query(`
      CREATE FUNCTION webhook_payload(event_id text, event_type text, at timestamptz, data jsonb, tenant_id uuid)
        RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT jsonb_build_object(
            'event_id', event_id,
            'event_type', event_type,
            'timestamp', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'data', data,
            'tenant_id', tenant_id)
        $$`);
    await q.query(`
      CREATE FUNCTION webhook_outbox_goal_events() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
          INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload)
          SELECT gen_random_uuid(), e.tenant_id, w.id, e.event_id, e.type,
                 webhook_payload(e.event_id, e.type, e.created_at, e.data, e.tenant_id)
            FROM (
              SELECT n.tenant_id, n.type, n.created_at, 'evt_' || n.id AS event_id,
                     (CASE WHEN jsonb_typeof(n.data) = 'object' THEN n.data
                           ELSE jsonb_build_object('value', n.data) END)
                     || jsonb_build_object('goal_id', n.goal_id)
                     || CASE WHEN n.task_id IS NULL THEN '{}'::jsonb
                             ELSE jsonb_build_object('task_id', n.task_id) END AS data
                FROM new_events n
               WHERE EXISTS (SELECT 1 FROM webhook_endpoints a
                              WHERE a.tenant_id = n.tenant_id AND a.status = 'ACTIVE')
            ) e
            JOIN webhook_endpoints w ON w.tenant_id = e.tenant_id AND w.status = 'ACTIVE'
           WHERE webhook_event_matches(w.events, e.type)
             AND (w.filters IS NULL OR webhook_filters_match(w.filters,
                   jsonb_build_object('event_type', e.type, 'tenant_id', e.tenant_id) || e.data));
          RETURN NULL;
        END
      $$`);
    await q.query(`
      CREATE TRIGGER goal_events_webhook_outbox AFTER INSERT ON goal_events
        REFERENCING NEW TABLE AS new_events
        FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox_goal_events()`);

    for (const table of ['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_DB_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS goal_events_webhook_outbox ON goal_events`);
    await q.query(`DROP FUNCTION IF EXISTS webhook_outbox_goal_events()`);
    await q.query(`DROP FUNCTION IF EXISTS webhook_payload(text, text, timestamptz, jsonb, uuid)`);
    await q.query(`DROP FUNCTION IF EXISTS webhook_filters_match(jsonb, jsonb)`);
    await q.query(`DROP FUNCTION IF EXISTS webhook_event_matches(text[], text)`);
    await q.query(`DROP TABLE IF EXISTS webhook_attempts`);
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_endpoints`);
  }
}
