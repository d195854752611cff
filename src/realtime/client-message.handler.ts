import { Injectable } from '@nestjs/common';
import { DomainError, ValidationFailed } from '#common';
import { CreateGoalDto } from '../governor/dto/create-goal.dto';
import { GoalsService } from '../governor/goals.service';
import { createValidationPipe } from '../http/validation';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalDecisionDto } from '../approvals/dto/approval.dto';
import type { EventStream } from './event-stream';
import { ClientEvent, parseSubscribe } from './protocol';
import { authorize, WsIdentity } from './ws-authenticator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The permission each client message needs (the same ones as the REST routes). */
const MESSAGE_PERMISSIONS: Partial<Record<ClientEvent, string>> = {
  subscribe: 'goal:read',
  'goal.submit': 'goal:create',
  'goal.cancel': 'goal:cancel',
  'task.approve': 'goal:approve',
};

/**
 * What each client message of the WebSocket protocol does, once the gateway has parsed it:
 * the same permission and validation as the REST route it mirrors, then one service call.
 * The answer becomes the `ack`; a thrown domain error becomes the `error` envelope.
 */
@Injectable()
export class ClientMessageHandler {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly goals: GoalsService,
    private readonly approvals: ApprovalsService,
  ) {}

  async handle(
    stream: EventStream,
    identity: WsIdentity,
    event: ClientEvent,
    data: unknown,
  ): Promise<Record<string, unknown>> {
    const required = MESSAGE_PERMISSIONS[event];
    const denied = required ? authorize(identity, required) : undefined;
    if (denied) throw new MessageForbidden(denied);
    switch (event) {
      case 'ping':
        return { pong: true, server_time: new Date().toISOString() };
      case 'subscribe': {
        const request = parseSubscribe(data);
        if ('field' in request) throw fieldError(request.field, request.message);
        if (request.tenant) {
          const replayed = await stream.subscribeTenant(request.lastEventId);
          return { scope: 'tenant', replayed };
        }
        await this.goals.get(identity.tenantId, request.goalId!); // 404 for unknown or foreign goals
        const replayed = await stream.subscribeGoal(request.goalId!, request.lastEventId);
        return { scope: 'goal', goal_id: request.goalId, replayed };
      }
      case 'unsubscribe': {
        const request = parseSubscribe(data);
        if ('field' in request) throw fieldError(request.field, request.message);
        if (request.tenant) stream.unsubscribeTenant();
        else stream.unsubscribeGoal(request.goalId!);
        return { subscriptions: stream.subscriptions };
      }
      case 'goal.submit': {
        const body = (data ?? {}) as Record<string, unknown>;
        const follow = body.subscribe !== false;
        const { subscribe: _ignored, ...fields } = body;
        const dto = (await this.validation.transform(fields, {
          type: 'body',
          metatype: CreateGoalDto,
        })) as CreateGoalDto;
        const accepted = await this.goals.submit(identity.tenantId, dto, identity.principal.id);
        if (follow) await stream.subscribeGoal(accepted.goal_id);
        return { ...accepted, subscribed: follow };
      }
      case 'goal.cancel': {
        const { goal_id, reason } = (data ?? {}) as Record<string, unknown>;
        if (typeof goal_id !== 'string' || !UUID.test(goal_id))
          throw fieldError('goal_id', 'must be a UUID');
        if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500))
          throw fieldError('reason', 'must be a string of at most 500 characters');
        const goal = await this.goals.cancel(
          identity.tenantId,
          goal_id.toLowerCase(),
          reason as string | undefined,
        );
        return { goal_id: goal.id, status: goal.status };
      }
      case 'task.approve': {
        const { goal_id, ...decision } = (data ?? {}) as Record<string, unknown>;
        if (typeof goal_id !== 'string' || !UUID.test(goal_id))
          throw fieldError('goal_id', 'must be a UUID');
        const dto = (await this.validation.transform(decision, {
          type: 'body',
          metatype: ApprovalDecisionDto,
        })) as ApprovalDecisionDto;
        const result = await this.approvals.decide(
          identity.tenantId,
          goal_id.toLowerCase(),
          dto,
          identity.principal,
        );
        return { goal_id, ...result };
      }
    }
  }
}

class MessageForbidden extends DomainError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

function fieldError(field: string, message: string): ValidationFailed {
  return new ValidationFailed([{ field, message }]);
}
