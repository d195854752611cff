import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { EvolutionController } from './evolution.controller';
import { EvolutionReportRepository } from './evolution-report.repository';
import { EvolutionTrialRepository } from './evolution-trial.repository';
import { EvolutionVariantRepository } from './evolution-variant.repository';
import { Evolver } from './evolver.service';

@Module({
  imports: [EventsModule],
  controllers: [EvolutionController],
  providers: [
    Evolver,
    EvolutionVariantRepository,
    EvolutionTrialRepository,
    EvolutionReportRepository,
  ],
  exports: [Evolver],
})
export class EvolutionModule {}
