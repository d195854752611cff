import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { EvolutionController } from './evolution.controller';
import { Evolver } from './evolver.service';

@Module({
  imports: [EventsModule],
  controllers: [EvolutionController],
  providers: [Evolver],
  exports: [Evolver],
})
export class EvolutionModule {}
