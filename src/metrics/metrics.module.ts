import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LlmModule } from '../llm/llm.module';
import { MetricsService } from './metrics.service';
import { PlatformGaugeRepository } from './platform-gauge.repository';

/** The product's Prometheus metrics (see MetricsService); MetricsEndpointModule serves them. */
@Module({
  imports: [EventsModule, LlmModule],
  providers: [MetricsService, PlatformGaugeRepository],
  exports: [MetricsService],
})
export class MetricsModule {}
