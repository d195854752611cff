import { readFileSync, rmSync } from 'node:fs';
import { db, rowsOf } from '../database/query-builder';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { securityEvents } from '../observability/security-events';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import type { AuditCategory } from './audit-event';
import { AuditEventRepository } from './audit-event.repository';
import { AuditRetention } from './audit-retention.job';
import { AuditVerifier } from './audit-verifier';
import { AuditWriter } from './audit-writer';

export function auditLogSuite(product: InProcessApp): void {
  describe('the audit log in process (in-memory PGlite)', () => {
    let writer: AuditWriter;
    let verifier: AuditVerifier;
    let events: AuditEventRepository;
    const auditFile = () => product.config.AUDIT_FILE_PATH!;

    beforeAll(async () => {
      writer = product.app.get(AuditWriter);
      verifier = product.app.get(AuditVerifier);
      events = product.app.get(AuditEventRepository);
    });

    afterAll(() => rmSync(auditFile(), { force: true }));

    const record = (
      tenantId: string,
      eventType: string,
      category: AuditCategory = 'DATA_MUTATION',
    ) =>
      writer.record({
        tenantId,
        category,
        eventType,
        actor: { id: 'u1', type: 'user', ip: '203.0.113.9' },
        resource: { type: 'thing', id: eventType },
        details: { password: 'hunter2', note: `ak_0123456789ab_${'A'.repeat(43)}` },
        changes: [{ field: 'password', old: 'x', new: 'hunter2' }],
      });

    it('chains each tenant separately, masks secrets, and verifies', async () => {
      const other = (await product.app.get(TenantsService).create({ slug: 'aud', name: 'Aud' })).id;
      for (let i = 0; i < 5; i++) record(DEFAULT_TENANT_ID, `first.${i}`);
      for (let i = 0; i < 3; i++) record(other, `other.${i}`);
      await writer.flush();
      const mine = await events.chainPage(DEFAULT_TENANT_ID, 0, 100);
      const theirs = await events.chainPage(other, 0, 100);
      expect(theirs.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
      expect(mine.length).toBeGreaterThanOrEqual(5);
      expect(mine[1].prev_hash).toBe(mine[0].hash);
      const stored = JSON.stringify(mine);
      expect(stored).not.toContain('hunter2');
      expect(stored).not.toContain('ak_0123456789ab');
      expect(mine.find((r) => r.event_type === 'first.0')?.changes).toEqual([
        { field: 'password', old: '***', new: '***' },
      ]);
      expect(await verifier.verify(DEFAULT_TENANT_ID)).toMatchObject({ valid: true });
      expect(await verifier.verify(other)).toMatchObject({ valid: true, entries: 3 });
      // the JSONL copy holds the same entries, masked as stored
      const copied = readFileSync(auditFile(), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string });
      expect(copied.map((e) => e.id)).toEqual(expect.arrayContaining(theirs.map((r) => r.id)));
      expect(readFileSync(auditFile(), 'utf8')).not.toContain('hunter2');
    });

    it('refuses changes from the application, and reports a change made behind its back', async () => {
      const tenant = (await product.app.get(TenantsService).create({ slug: 'tamper', name: 'T' }))
        .id;
      for (let i = 0; i < 4; i++) record(tenant, `t.${i}`);
      await writer.flush();
      const chain = await events.chainPage(tenant, 0, 10);
      await expect(
        rowsOf(
          product.dataSource,
          db.updateTable('audit_events').set({ message: 'edited' }).where('id', '=', chain[1].id),
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        rowsOf(product.dataSource, db.deleteFrom('audit_events').where('id', '=', chain[2].id)),
      ).rejects.toThrow(/append-only/);

      // behind the application's back: the trigger switched off as a superuser could
      await product.dataSource.query(
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
      );
      await rowsOf(
        product.dataSource,
        db.updateTable('audit_events').set({ message: 'edited' }).where('id', '=', chain[1].id),
      );
      expect(await verifier.verify(tenant)).toMatchObject({
        valid: false,
        first_broken: { id: chain[1].id, seq: 2, reason: 'hash-mismatch' },
      });
      await rowsOf(product.dataSource, db.deleteFrom('audit_events').where('id', '=', chain[1].id));
      expect(await verifier.verify(tenant)).toMatchObject({
        valid: false,
        first_broken: { id: chain[2].id, seq: 3, reason: 'missing-entries' },
      });
      await product.dataSource.query(
        'ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only',
      );
    });

    it('retention removes only the expired prefix, leaves a signed checkpoint, and the chain still verifies', async () => {
      const tenant = (await product.app.get(TenantsService).create({ slug: 'keep', name: 'K' })).id;
      record(tenant, 'old.1');
      record(tenant, 'old.2');
      record(tenant, 'login', 'AUTHENTICATION');
      record(tenant, 'after.1');
      await writer.flush();
      const removed = await product.app.get(AuditRetention).run();
      expect(removed[tenant]).toBe(2);
      const left = await events.chainPage(tenant, 0, 10);
      expect(left.map((r) => r.event_type)).toEqual(['login', 'after.1']);
      expect(await verifier.verify(tenant)).toMatchObject({
        valid: true,
        starts_after: 2,
        entries: 2,
      });
      record(tenant, 'after.2');
      await writer.flush();
      expect(await verifier.verify(tenant)).toMatchObject({ valid: true, entries: 3 });
      const [checkpoint] = await rowsOf(
        product.dataSource,
        db.selectFrom('audit_checkpoints').selectAll().where('tenant_id', '=', tenant),
      );
      expect([Number(checkpoint.seq), Number(checkpoint.removed)]).toEqual([2, 2]);
    });

    it('records security events through the subscriber', async () => {
      securityEvents.publish({
        type: 'auth.login_failed',
        tenantId: DEFAULT_TENANT_ID,
        ip: '198.51.100.7',
        details: { reason: 'invalid-credentials' },
      });
      await writer.flush();
      const { items } = await events.search({
        tenantId: DEFAULT_TENANT_ID,
        categories: ['AUTHENTICATION'],
        outcomes: ['FAILURE'],
        ip: '198.51.100.7',
        sort: 'desc',
        limit: 10,
        offset: 0,
      });
      expect(items[0]).toMatchObject({ event_type: 'auth.login_failed', severity: 'WARNING' });
    });
  });
}
