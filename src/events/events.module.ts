import { Module } from '@nestjs/common';
import { AccessInvalidationBridge } from './access-invalidation-bridge';
import { EventBus } from './event-bus';
import { GoalEventLog } from './goal-event-log.service';
import { GoalEventRepository } from './goal-event.repository';
import { LiveOutput } from './live-output';
import { RedisEventBridge } from './redis-event-bridge';

@Module({
  providers: [
    EventBus,
    GoalEventRepository,
    GoalEventLog,
    RedisEventBridge,
    AccessInvalidationBridge,
    LiveOutput,
  ],
  exports: [EventBus, GoalEventLog, GoalEventRepository, RedisEventBridge, LiveOutput],
})
export class EventsModule {}
