import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus';
import { GoalEventLog } from './goal-event-log.service';

@Global()
@Module({ providers: [EventBus, GoalEventLog], exports: [EventBus, GoalEventLog] })
export class EventsModule {}
