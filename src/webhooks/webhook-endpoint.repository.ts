import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { WebhookEndpoints } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type WebhookEndpointRow = Selectable<WebhookEndpoints>;
export interface NewWebhookEndpointRow extends WebhookEndpointChanges {
  id: string;
  tenant_id: string;
  owner_id: string | null;
  sealed_secret: string;
}

export type WebhookStatus = 'ACTIVE' | 'PAUSED' | 'DISABLED' | 'FAILED';

/** What an administrator may change in an endpoint. */
export interface WebhookEndpointChanges {
  name: string;
  description: string | null;
  url: string;
  events: string[];
  filters: Record<string, unknown> | null;
  standard_webhooks: boolean;
}

/** jsonb parameters go as JSON text (the driver would send an array as a PostgreSQL array). */
const jsonText = (value: Record<string, unknown> | null) =>
  value === null ? null : JSON.stringify(value);

/** Every statement on `webhook_endpoints`; each takes the tenant's id but the admin listing. */
const statements = {
  /** Serializes the creations of one owner's endpoints, for the per-owner limit. */
  lockOwner: (ownerKey: string) =>
    db.selectNoFrom(
      sql<string>`pg_advisory_xact_lock(hashtextextended(${`webhook-owner:${ownerKey}`}, 0))::text`.as(
        'locked',
      ),
    ),
  countOfOwner: (tenantId: string, ownerId: string | null) =>
    db
      .selectFrom('webhook_endpoints')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        ownerId === null ? eb('owner_id', 'is', null) : eb('owner_id', '=', ownerId),
      ),
  insert: (row: NewWebhookEndpointRow) =>
    db
      .insertInto('webhook_endpoints')
      .values({ ...row, filters: jsonText(row.filters) })
      .returningAll(),
  byId: (tenantId: string, id: string) =>
    db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  /** A page of a tenant's endpoints, newest first, optionally in one status. */
  list: (tenantId: string, status: WebhookStatus | undefined, limit: number, offset: number) =>
    db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .select(sql<number>`count(*) OVER ()::int`.as('total'))
      .where('tenant_id', '=', tenantId)
      .$if(status !== undefined, (q) => q.where('status', '=', status!))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset),
  /** Every tenant's endpoints, for the installation's administrators. */
  listAll: (
    tenantId: string | undefined,
    status: WebhookStatus | undefined,
    limit: number,
    offset: number,
  ) =>
    db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .select(sql<number>`count(*) OVER ()::int`.as('total'))
      .$if(tenantId !== undefined, (q) => q.where('tenant_id', '=', tenantId!))
      .$if(status !== undefined, (q) => q.where('status', '=', status!))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset),
  update: (tenantId: string, id: string, changes: WebhookEndpointChanges) =>
    db
      .updateTable('webhook_endpoints')
      .set({
        name: changes.name,
        description: changes.description,
        url: changes.url,
        events: changes.events,
        filters: jsonText(changes.filters),
        standard_webhooks: changes.standard_webhooks,
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  /** Moves the endpoint to `to` from one of `from`; a revival also forgets past failures. */
  setStatus: (
    tenantId: string,
    id: string,
    from: readonly WebhookStatus[],
    to: WebhookStatus,
    reason: string | null,
  ) =>
    db
      .updateTable('webhook_endpoints')
      .set({
        status: to,
        status_reason: reason,
        ...(to === 'ACTIVE' ? { consecutive_failures: 0 } : {}),
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll(),
  /** A new secret; the previous one keeps signing until `previousUntil`. */
  rotateSecret: (tenantId: string, id: string, sealedSecret: string, previousUntil: Date) =>
    db
      .updateTable('webhook_endpoints')
      .set({
        sealed_previous_secret: sql<string>`sealed_secret`,
        previous_secret_expires_at: previousUntil,
        sealed_secret: sealedSecret,
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  delete: (tenantId: string, id: string) =>
    db.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id),
  /** An attempt answered 2xx: the endpoint's run of failures ends. */
  recordSuccess: (id: string) =>
    db
      .updateTable('webhook_endpoints')
      .set({
        consecutive_failures: 0,
        last_delivery_at: db.fn('now'),
        last_success_at: db.fn('now'),
      })
      .where('id', '=', id),
  /** An attempt failed; `deliveryFailed` when it was the delivery's last one. */
  recordFailure: (id: string, deliveryFailed: boolean) =>
    db
      .updateTable('webhook_endpoints')
      .set((eb) => ({
        consecutive_failures: deliveryFailed
          ? eb('consecutive_failures', '+', 1)
          : eb.ref('consecutive_failures'),
        last_delivery_at: db.fn('now'),
        last_failure_at: db.fn('now'),
      }))
      .where('id', '=', id)
      .returning(['consecutive_failures', 'status']),
  /** Disables an ACTIVE endpoint (FAILED by its failures, DISABLED by its receiver). */
  disable: (id: string, to: 'FAILED' | 'DISABLED', reason: string) =>
    db
      .updateTable('webhook_endpoints')
      .set({ status: to, status_reason: reason, updated_at: db.fn('now') })
      .where('id', '=', id)
      .where('status', '=', 'ACTIVE')
      .returningAll(),
};

@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lockOwner(executor: SqlExecutor, ownerKey: string): Promise<void> {
    await rowsOf(executor, statements.lockOwner(ownerKey));
  }

  async countOfOwner(
    executor: SqlExecutor,
    tenantId: string,
    ownerId: string | null,
  ): Promise<number> {
    return (await firstOf(executor, statements.countOfOwner(tenantId, ownerId)))?.count ?? 0;
  }

  async insert(executor: SqlExecutor, row: NewWebhookEndpointRow): Promise<WebhookEndpointRow> {
    return (await firstOf(executor, statements.insert(row)))!;
  }

  byId(tenantId: string, id: string): Promise<WebhookEndpointRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id));
  }

  async list(
    tenantId: string,
    status: WebhookStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: WebhookEndpointRow[]; total: number }> {
    return paged(await rowsOf(this.dataSource, statements.list(tenantId, status, limit, offset)));
  }

  async listAll(
    tenantId: string | undefined,
    status: WebhookStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: WebhookEndpointRow[]; total: number }> {
    return paged(
      await rowsOf(this.dataSource, statements.listAll(tenantId, status, limit, offset)),
    );
  }

  update(
    tenantId: string,
    id: string,
    changes: WebhookEndpointChanges,
  ): Promise<WebhookEndpointRow | undefined> {
    return firstOf(this.dataSource, statements.update(tenantId, id, changes));
  }

  setStatus(
    tenantId: string,
    id: string,
    from: readonly WebhookStatus[],
    to: WebhookStatus,
    reason: string | null,
  ): Promise<WebhookEndpointRow | undefined> {
    return firstOf(this.dataSource, statements.setStatus(tenantId, id, from, to, reason));
  }

  rotateSecret(
    tenantId: string,
    id: string,
    sealedSecret: string,
    previousUntil: Date,
  ): Promise<WebhookEndpointRow | undefined> {
    return firstOf(
      this.dataSource,
      statements.rotateSecret(tenantId, id, sealedSecret, previousUntil),
    );
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.delete(tenantId, id))) > 0;
  }

  async recordSuccess(executor: SqlExecutor, id: string): Promise<void> {
    await affectedBy(executor, statements.recordSuccess(id));
  }

  async recordFailure(
    executor: SqlExecutor,
    id: string,
    deliveryFailed: boolean,
  ): Promise<{ consecutive_failures: number; status: string } | undefined> {
    return firstOf(executor, statements.recordFailure(id, deliveryFailed));
  }

  disable(
    executor: SqlExecutor,
    id: string,
    to: 'FAILED' | 'DISABLED',
    reason: string,
  ): Promise<WebhookEndpointRow | undefined> {
    return firstOf(executor, statements.disable(id, to, reason));
  }
}

function paged(rows: Array<WebhookEndpointRow & { total: number }>) {
  return {
    items: rows.map(({ total: _total, ...row }) => row as WebhookEndpointRow),
    total: rows[0]?.total ?? 0,
  };
}

export const webhookEndpointStatements: StatementCatalog = {
  file: 'src/webhooks/queries/webhook-endpoint.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const owner = '00000000-0000-0000-0000-0000000000b1';
    const id = '00000000-0000-0000-0000-0000000000e1';
    const changes: WebhookEndpointChanges = {
      name: 'Goals',
      description: null,
      url: 'https://hooks.example.com/in',
      events: ['goal.*'],
      filters: { priority: 1 },
      standard_webhooks: false,
    };
    return [
      { name: 'lockOwner', statement: statements.lockOwner(owner) },
      { name: 'countOfOwner', statement: statements.countOfOwner(tenant, owner) },
      {
        name: 'insert',
        statement: statements.insert({
          id,
          tenant_id: tenant,
          owner_id: owner,
          sealed_secret: 'sealed',
          ...changes,
        }),
      },
      { name: 'byId', statement: statements.byId(tenant, id) },
      { name: 'list', statement: statements.list(tenant, 'ACTIVE', 20, 0) },
      { name: 'listAll', statement: statements.listAll(undefined, undefined, 20, 0) },
      { name: 'update', statement: statements.update(tenant, id, changes) },
      {
        name: 'setStatus',
        statement: statements.setStatus(tenant, id, ['PAUSED', 'FAILED'], 'ACTIVE', null),
      },
      {
        name: 'rotateSecret',
        statement: statements.rotateSecret(tenant, id, 'sealed', new Date(0)),
      },
      { name: 'delete', statement: statements.delete(tenant, id) },
      { name: 'recordSuccess', statement: statements.recordSuccess(id) },
      { name: 'recordFailure', statement: statements.recordFailure(id, true) },
      { name: 'disable', statement: statements.disable(id, 'FAILED', 'failures') },
    ];
  },
};
