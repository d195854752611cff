import { Injectable } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { PluginRegistry } from './plugin-registry.service';

/** `plugins{status}`: this process's plugins by status, read at scrape time. */
@Injectable()
export class PluginMetrics {
  constructor(registry: PluginRegistry) {
    const collect = function (this: Gauge<string>) {
      this.reset();
      for (const [status, count] of Object.entries(registry.countByStatus()))
        this.set({ status }, count);
    };
    const existing = register.getSingleMetric('plugins') as Gauge<string> | undefined;
    if (existing) (existing as unknown as { collect: typeof collect }).collect = collect;
    else
      new Gauge({
        name: 'plugins',
        help: "This process's plugins by status",
        labelNames: ['status'],
        collect,
      });
  }
}
