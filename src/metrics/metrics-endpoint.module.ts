import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { AppConfig } from '../config/app-config';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';

/** Metrics at /metrics (process defaults plus the product's) and the HTTP request metrics. */
@Module({})
export class MetricsEndpointModule implements NestModule {
  /** With METRICS_ENABLED=false the metrics are still kept but nothing serves them. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsEndpointModule,
      imports: [
        MetricsModule,
        ...(config.METRICS_ENABLED
          ? [
              PrometheusModule.register({
                path: '/metrics',
                controller: MetricsController,
                defaultMetrics: { enabled: true },
              }),
            ]
          : []),
      ],
      providers: [HttpMetricsMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
