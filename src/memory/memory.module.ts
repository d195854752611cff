import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { MemoryKeeper } from './memory-keeper.service';
import { MemoryLearning } from './memory-learning.service';
import { MemoryController } from './memory.controller';
import { MemoryService } from './memory.service';

@Module({
  imports: [EventsModule],
  controllers: [MemoryController],
  providers: [MemoryService, MemoryLearning, MemoryKeeper],
  exports: [MemoryService, MemoryLearning],
})
export class MemoryModule {}
