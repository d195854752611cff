/** The statements on `webhook_deliveries` and `webhook_attempts`, built with the typed query builder. */
import { sql } from 'kysely';
import { db } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import type {
  DeliveryFilter,
  AttemptOutcome,
  NewWebhookAttemptRow,
  WebhookEventInput,
} from './webhook-delivery.repository';

const PENDING_STATES = ['PENDING', 'RETRYING'] as const;
const FINISHED_STATES = ['DELIVERED', 'EXPIRED'] as const;
const interval = (ms: number) => sql<Date>`now() + ${`${ms} milliseconds`}::interval`;

/** A delivery row of `event` for each of the tenant's endpoints the caller narrows to. */
const deliveryRowsOf = (event: WebhookEventInput) =>
  db
    .selectFrom('webhook_endpoints as w')
    .select([
      sql<string>`gen_random_uuid()`.as('id'),
      'w.tenant_id',
      'w.id',
      sql<string>`${event.eventId}`.as('event_id'),
      sql<string>`${event.type}`.as('event_type'),
      sql<unknown>`webhook_payload(${event.eventId}, ${event.type}, ${event.at}::timestamptz, ${JSON.stringify(event.data)}::jsonb, w.tenant_id)`.as(
        'payload',
      ),
    ])
    .where('w.tenant_id', '=', event.tenantId);

const DELIVERY_COLUMNS = [
  'id',
  'tenant_id',
  'endpoint_id',
  'event_id',
  'event_type',
  'payload',
] as const;

/** Every statement on deliveries and attempts (run by WebhookDeliveryRepository). */
export const statements = {
  /** One delivery per ACTIVE endpoint of the tenant whose subscription and filters match. */
  publish: (event: WebhookEventInput) =>
    db
      .insertInto('webhook_deliveries')
      .columns(DELIVERY_COLUMNS)
      .expression(
        deliveryRowsOf(event)
          .where('w.status', '=', 'ACTIVE')
          .where(sql<boolean>`webhook_event_matches(w.events, ${event.type})`)
          .where(
            sql<boolean>`(w.filters IS NULL OR webhook_filters_match(w.filters, jsonb_build_object('event_type', ${event.type}::text, 'tenant_id', w.tenant_id) || ${JSON.stringify(event.data)}::jsonb))`,
          ),
      )
      .returning(['id', 'endpoint_id']),
  /** One delivery of `event` to one endpoint, whatever it subscribes to. */
  publishTo: (endpointId: string, event: WebhookEventInput) =>
    db
      .insertInto('webhook_deliveries')
      .columns(DELIVERY_COLUMNS)
      .expression(deliveryRowsOf(event).where('w.id', '=', endpointId))
      .returningAll(),
  /**
   * Takes up to `limit` due deliveries of ACTIVE endpoints for `leaseMs`, each under a new
   * lease token; deliveries another process holds are skipped, expired leases are taken.
   */
  claimDue: (limit: number, leaseMs: number) =>
    db
      .updateTable('webhook_deliveries')
      .set({ lease_token: sql<string>`gen_random_uuid()`, locked_until: interval(leaseMs) })
      .where(
        'id',
        'in',
        db
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
          .select('d.id')
          .where('d.status', 'in', [...PENDING_STATES])
          .where('d.next_attempt_at', '<=', sql<Date>`now()`)
          .where((eb) =>
            eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', sql<Date>`now()`)]),
          )
          .where('e.status', '=', 'ACTIVE')
          .orderBy('d.next_attempt_at')
          .limit(limit)
          .forUpdate('d')
          .skipLocked(),
      )
      .returning(['id', 'tenant_id', 'lease_token', 'attempts']),
  /** Starts the attempt of a claimed delivery while its lease and its endpoint still allow it. */
  start: (id: string, leaseToken: string, leaseMs: number) =>
    db
      .updateTable('webhook_deliveries as d')
      .from('webhook_endpoints as e')
      .set({ locked_until: interval(leaseMs) })
      .whereRef('e.id', '=', 'd.endpoint_id')
      .where('d.id', '=', id)
      .where('d.lease_token', '=', leaseToken)
      .where('d.status', 'in', [...PENDING_STATES])
      .where('e.status', '=', 'ACTIVE')
      .returning([
        'd.id',
        'd.tenant_id',
        'd.endpoint_id',
        'd.event_type',
        'd.payload',
        'd.attempts',
        'e.url',
        'e.sealed_secret',
        'e.sealed_previous_secret',
        'e.previous_secret_expires_at',
        'e.standard_webhooks',
      ]),
  /** Records an attempt's outcome, only while the lease is still this sender's. */
  finish: (id: string, leaseToken: string, outcome: AttemptOutcome) =>
    db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: outcome.status,
        attempts: eb('attempts', '+', 1),
        next_attempt_at: outcome.nextAttemptAt ?? eb.ref('next_attempt_at'),
        lease_token: null,
        locked_until: null,
        last_response_status: outcome.responseStatus,
        last_error: outcome.error,
        last_attempt_at: sql<Date>`now()`,
        delivered_at: outcome.status === 'DELIVERED' ? sql<Date>`now()` : null,
      }))
      .where('id', '=', id)
      .where('lease_token', '=', leaseToken)
      .returning(['attempts']),
  insertAttempt: (row: NewWebhookAttemptRow) =>
    db
      .insertInto('webhook_attempts')
      .values(row)
      .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doNothing()),
  list: (
    tenantId: string,
    endpointId: string,
    filter: DeliveryFilter,
    limit: number,
    offset: number,
  ) =>
    db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .select(sql<number>`count(*) OVER ()::int`.as('total'))
      .where('tenant_id', '=', tenantId)
      .where('endpoint_id', '=', endpointId)
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
      .$if(filter.eventType !== undefined, (q) => q.where('event_type', '=', filter.eventType!))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset),
  byId: (tenantId: string, endpointId: string, id: string) =>
    db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', id),
  attemptsOf: (tenantId: string, deliveryId: string) =>
    db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('delivery_id', '=', deliveryId)
      .orderBy('attempt'),
  /** A new delivery (new id) of the same event and payload, sent as soon as it can be. */
  redeliver: (tenantId: string, endpointId: string, id: string, newId: string) =>
    db
      .insertInto('webhook_deliveries')
      .columns([
        'id',
        'tenant_id',
        'endpoint_id',
        'event_id',
        'event_type',
        'payload',
        'redelivery_of',
      ])
      .expression(
        db
          .selectFrom('webhook_deliveries')
          .select([
            sql<string>`${newId}::uuid`.as('id'),
            'tenant_id',
            'endpoint_id',
            'event_id',
            'event_type',
            'payload',
            'id as redelivery_of',
          ])
          .where('tenant_id', '=', tenantId)
          .where('endpoint_id', '=', endpointId)
          .where('id', '=', id),
      )
      .returningAll(),
  /** Deliveries of one endpoint per status, and the mean time of its answered attempts. */
  stats: (tenantId: string, endpointId: string) =>
    db
      .selectFrom('webhook_deliveries')
      .select([
        sql<number>`count(*)::int`.as('total'),
        sql<number>`(count(*) FILTER (WHERE status = 'DELIVERED'))::int`.as('delivered'),
        sql<number>`(count(*) FILTER (WHERE status = 'PENDING'))::int`.as('pending'),
        sql<number>`(count(*) FILTER (WHERE status = 'RETRYING'))::int`.as('retrying'),
        sql<number>`(count(*) FILTER (WHERE status = 'EXPIRED'))::int`.as('expired'),
        sql<number | null>`(SELECT avg(a.duration_ms)::float8 FROM webhook_attempts a
          WHERE a.tenant_id = ${tenantId} AND a.delivery_id IN (
            SELECT id FROM webhook_deliveries WHERE endpoint_id = ${endpointId}))`.as(
          'average_response_ms',
        ),
      ])
      .where('tenant_id', '=', tenantId)
      .where('endpoint_id', '=', endpointId),
  /** Finished deliveries created before `cutoff`, a batch at a time. */
  deleteFinishedBefore: (cutoff: Date, limit: number) =>
    db.deleteFrom('webhook_deliveries').where(
      'id',
      'in',
      db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', [...FINISHED_STATES])
        .where('created_at', '<', cutoff)
        .limit(limit),
    ),
  /** Ends every claim (the embedded mode's queue did not outlive its process). */
  releaseClaims: () =>
    db
      .updateTable('webhook_deliveries')
      .set({ lease_token: null, locked_until: null })
      .where('locked_until', 'is not', null),
  /** The tenants with an ACTIVE endpoint. */
  activeTenants: () =>
    db
      .selectFrom('webhook_endpoints')
      .select('tenant_id')
      .distinct()
      .where('status', '=', 'ACTIVE'),
};

export const webhookDeliveryStatements: StatementCatalog = {
  file: 'src/webhooks/queries/webhook-delivery.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const endpoint = '00000000-0000-0000-0000-0000000000e1';
    const id = '00000000-0000-0000-0000-0000000000d1';
    const token = '00000000-0000-0000-0000-0000000000f1';
    const event: WebhookEventInput = {
      tenantId: tenant,
      eventId: 'evt_0',
      type: 'auth.logged_in',
      at: new Date(0),
      data: { user_id: 'u' },
    };
    return [
      { name: 'publish', statement: statements.publish(event) },
      { name: 'publishTo', statement: statements.publishTo(endpoint, event) },
      { name: 'claimDue', statement: statements.claimDue(50, 30_000) },
      { name: 'start', statement: statements.start(id, token, 30_000) },
      {
        name: 'finish',
        statement: statements.finish(id, token, {
          status: 'RETRYING',
          nextAttemptAt: new Date(0),
          responseStatus: 500,
          error: null,
        }),
      },
      {
        name: 'insertAttempt',
        statement: statements.insertAttempt({
          id,
          tenant_id: tenant,
          delivery_id: id,
          attempt: 1,
          started_at: new Date(0),
          duration_ms: 12,
          response_status: 200,
          response_body: 'ok',
          error: null,
        }),
      },
      { name: 'list', statement: statements.list(tenant, endpoint, { status: 'PENDING' }, 20, 0) },
      { name: 'byId', statement: statements.byId(tenant, endpoint, id) },
      { name: 'attemptsOf', statement: statements.attemptsOf(tenant, id) },
      { name: 'redeliver', statement: statements.redeliver(tenant, endpoint, id, token) },
      { name: 'stats', statement: statements.stats(tenant, endpoint) },
      {
        name: 'deleteFinishedBefore',
        statement: statements.deleteFinishedBefore(new Date(0), 500),
      },
      { name: 'releaseClaims', statement: statements.releaseClaims() },
      { name: 'activeTenants', statement: statements.activeTenants() },
    ];
  },
};
