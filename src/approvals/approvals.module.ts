import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { GovernorModule } from '../governor/governor.module';
import { SafetyModule } from '../safety/safety.module';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';

/** Human approval decisions over REST, and expiry of undecided requests. */
@Module({
  imports: [GovernorModule, SafetyModule, EventsModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsService, GoalRepository, TaskRepository],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
