import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Prometheus metrics at /metrics (process defaults plus the product's, see MetricsService). */
@Global()
@Module({})
export class MetricsModule implements NestModule {
  /** With METRICS_ENABLED=false the metrics are still kept but nothing serves them. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      imports: config.METRICS_ENABLED
        ? [
            PrometheusModule.register({
              path: '/metrics',
              controller: MetricsController,
              defaultMetrics: { enabled: true },
            }),
          ]
        : [],
      providers: [MetricsService, HttpMetricsMiddleware],
      exports: [MetricsService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
