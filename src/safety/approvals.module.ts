import { Module } from '@nestjs/common';
import { GovernorModule } from '../governor/governor.module';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';
import { GoalRepository } from '../governor/goal.repository';
import { TaskRepository } from '../governor/task.repository';

/** Human approval decisions over REST, and expiry of undecided requests. */
@Module({
  imports: [GovernorModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsService, GoalRepository, TaskRepository],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
