import { DEFAULT_TENANT_ID } from '../common/request-context';
import { rowsOf, db } from '../database/query-builder';
import { atomically } from '../common/ambient-transaction';
import { inTransaction } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { GoalsService } from '../governor/goals.service';
import { UsersService } from '../identity/users.service';
import { securityEvents } from '../observability/security-events';
import { SessionsService } from '../sessions/sessions.service';
import type { InProcessApp } from '../testing/in-process-app';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookLocalHandlers, type WebhookPayload } from './webhook-local-handlers';
import type { WebhookEndpointInput } from './webhook-input';
import { settledGoal } from '../testing/settled-goal';

const CLOSED = 'http://127.0.0.1:9/in';

/** The outbox in process: which events become deliveries, on an in-memory PGlite. */
export function webhookOutboxSuite(product: InProcessApp): void {
  describe('webhook outbox in process (in-memory PGlite)', () => {
    let endpoints: WebhookEndpoints;
    let goals: GoalsService;

    beforeAll(async () => {
      endpoints = product.app.get(WebhookEndpoints);
      goals = product.app.get(GoalsService);
    });

    const endpoint = async (events: string[], filters: WebhookEndpointInput['filters'] = null) =>
      (
        await endpoints.create(DEFAULT_TENANT_ID, null, {
          name: events.join(','),
          description: null,
          url: CLOSED,
          events,
          filters,
          standard_webhooks: false,
        })
      ).endpoint;

    const deliveriesOf = (endpointId: string) =>
      rowsOf(
        product.dataSource,
        db
          .selectFrom('webhook_deliveries')
          .select(['event_id', 'event_type', 'payload'])
          .where('endpoint_id', '=', endpointId)
          .orderBy('event_id'),
      );

    const settled = (goalId: string) => settledGoal(goals, DEFAULT_TENANT_ID, goalId);

    it("writes a delivery for each goal event each endpoint's subscription and filters match", async () => {
      const paused = await endpoint(['*']);
      await endpoints.pause(DEFAULT_TENANT_ID, paused.id);
      const first = await goals.submit(DEFAULT_TENANT_ID, { goal: 'Say hello.' }, null);
      const goalWide = await endpoint(['goal.*']);
      const completedTasks = await endpoint(['task.completed']);
      const { goal_id } = await goals.submit(DEFAULT_TENANT_ID, { goal: 'Research cats.' }, null);
      const onlyThisGoal = await endpoint(['*'], { goal_id });
      await settled(goal_id);
      await settled(first.goal_id);

      const { items: events } = await goals.events(DEFAULT_TENANT_ID, goal_id);
      const idsOf = (pick: (type: string) => boolean) =>
        events
          .filter((e) => pick(e.type))
          .map((e) => `evt_${e.id}`)
          .sort();
      const goalDeliveries = (await deliveriesOf(goalWide.id)).filter(
        (d) => (d.payload as unknown as WebhookPayload).data.goal_id === goal_id,
      );
      expect(goalDeliveries.map((d) => d.event_id).sort()).toEqual(
        idsOf((t) => t.startsWith('goal.')),
      );
      expect((await deliveriesOf(completedTasks.id)).map((d) => d.event_type)).toEqual(
        expect.arrayContaining(['task.completed']),
      );
      expect(
        (await deliveriesOf(completedTasks.id)).every((d) => d.event_type === 'task.completed'),
      ).toBe(true);
      expect(await deliveriesOf(paused.id)).toEqual([]);
      // created after the goal started: the events before it are not sent, the rest are
      const filtered = await deliveriesOf(onlyThisGoal.id);
      expect(filtered.length).toBeGreaterThan(0);
      expect(
        filtered.every((d) => (d.payload as unknown as WebhookPayload).data.goal_id === goal_id),
      ).toBe(true);
      const completed = goalDeliveries.find((d) => d.event_type === 'goal.completed')!;
      expect(completed.payload).toMatchObject({
        event_id: completed.event_id,
        event_type: 'goal.completed',
        tenant_id: DEFAULT_TENANT_ID,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        data: { goal_id, summary: expect.any(String) },
      });
    });

    it('writes nothing for an event whose transaction rolls back', async () => {
      const all = await endpoint(['*']);
      const { goal_id } = await goals.submit(DEFAULT_TENANT_ID, { goal: 'Say hi.' }, null);
      await settled(goal_id);
      const log = product.app.get(GoalEventLog);
      await expect(
        inTransaction(product.dataSource, async (uow) => {
          await log.append(uow, DEFAULT_TENANT_ID, goal_id, 'goal.paused', {
            reason: 'rolled back',
          });
          throw new Error('the change fails');
        }),
      ).rejects.toThrow('the change fails');
      const types = (await deliveriesOf(all.id)).map((d) => d.event_type);
      expect(types).toContain('goal.completed');
      expect(types).not.toContain('goal.paused');
    });

    it('publishes security events to subscribed endpoints and to local handlers', async () => {
      const users = await endpoint(['user.*', 'auth.logged_in']);
      const seen: WebhookPayload[] = [];
      const stop = product.app.get(WebhookLocalHandlers).subscribe('user.created', (e) => {
        seen.push(e);
      });
      const failing = product.app.get(WebhookLocalHandlers).subscribe('*', () => {
        throw new Error('a broken handler');
      });
      securityEvents.publish({
        type: 'user.created',
        tenantId: DEFAULT_TENANT_ID,
        userId: 'u-1',
        details: { email: 'new@example.com' },
      });
      securityEvents.publish({ type: 'mfa.failed', tenantId: DEFAULT_TENANT_ID, userId: 'u-1' });
      const deadline = Date.now() + 5000;
      while ((await deliveriesOf(users.id)).length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      stop();
      failing();
      const delivered = await deliveriesOf(users.id);
      expect(delivered.map((d) => d.event_type)).toEqual(['user.created']);
      expect(delivered[0].payload).toMatchObject({
        event_type: 'user.created',
        data: { user_id: 'u-1', email: 'new@example.com' },
      });
      expect(seen).toHaveLength(1);
      expect(seen[0].event_id).toBe(delivered[0].event_id);
    });

    it("commits a change's security event deliveries with the change, and none when it rolls back", async () => {
      const sessionEvents = await endpoint(['session.*', 'user.*']);
      const users = product.app.get(UsersService);
      const sessions = product.app.get(SessionsService);
      const user = await users.create(DEFAULT_TENANT_ID, {
        email: 'outbox-session@example.com',
        displayName: 'Outbox',
      });
      const { session } = await sessions.create({ tenantId: DEFAULT_TENANT_ID, userId: user.id });
      // the deliveries are there when the call returns: written in the change's transaction
      const afterCreate = (await deliveriesOf(sessionEvents.id)).map((d) => d.event_type);
      expect(afterCreate).toEqual(expect.arrayContaining(['user.created', 'session.created']));

      // a revoke inside a unit of work that then fails: neither the revoke nor its event lands
      await expect(
        atomically(product.dataSource, async () => {
          await sessions.revoke(DEFAULT_TENANT_ID, session.id, 'rolled back');
          throw new Error('the change fails');
        }),
      ).rejects.toThrow('the change fails');
      expect((await sessions.get(DEFAULT_TENANT_ID, session.id)).status).toBe('active');
      const afterRollback = await deliveriesOf(sessionEvents.id);
      expect(afterRollback.map((d) => d.event_type)).not.toContain('session.revoked');

      await sessions.revoke(DEFAULT_TENANT_ID, session.id, 'signed-out');
      const revoked = (await deliveriesOf(sessionEvents.id)).filter(
        (d) => d.event_type === 'session.revoked',
      );
      expect(revoked).toHaveLength(1);
      expect(revoked[0].payload).toMatchObject({
        data: { session_id: session.id, user_id: user.id, reason: 'signed-out' },
      });
    });
  });
}
