import { Injectable } from '@nestjs/common';
import type { PluginDefinition } from '../plugin-contract/plugin-contract';

type PluginMiddleware = NonNullable<PluginDefinition['middleware']>[number];

export interface InstalledMiddleware {
  plugin: string;
  routes: readonly string[];
  handle: PluginMiddleware['handle'];
}

/** Whether `path` is `prefix` or lies under it (`/api/v1/goals` covers `/api/v1/goals/1`, not `/api/v1/goalsx`). */
export function isUnder(path: string, prefix: string): boolean {
  const base = prefix.replace(/\/+$/, '');
  return path === base || path.startsWith(`${base}/`) || base === '';
}

/** The plugin middleware in force, in attach order; read on every request, so no re-mounting. */
@Injectable()
export class PluginMiddlewareChain {
  private installed: readonly InstalledMiddleware[] = [];

  add(middleware: InstalledMiddleware): () => void {
    this.installed = [...this.installed, middleware];
    return () => {
      this.installed = this.installed.filter((m) => m !== middleware);
    };
  }

  /** The middleware whose routes cover `path`. */
  for(path: string): readonly InstalledMiddleware[] {
    return this.installed.filter((m) => m.routes.some((route) => isUnder(path, route)));
  }
}
