import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { InstalledMiddleware, PluginMiddlewareChain } from './plugin-middleware-chain';

/** Why a request failed in a plugin's middleware; the client sees a bare 500. */
export class PluginMiddlewareFailed extends Error {}

/**
 * Runs the plugin middleware covering the request's path. Interceptors run after the
 * guards, so the caller is authenticated and authorized by then; a middleware that throws
 * or passes an error to `next` fails the request with a 500 and counts against its plugin.
 */
@Injectable()
export class PluginMiddlewareInterceptor implements NestInterceptor {
  constructor(
    private readonly chain: PluginMiddlewareChain,
    private readonly health: PluginHealth,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const middleware = this.chain.for(request.path);
    if (!middleware.length) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.runAll(middleware, request, response)).pipe(switchMap(() => next.handle()));
  }

  private async runAll(
    middleware: readonly InstalledMiddleware[],
    request: Request,
    response: Response,
  ): Promise<void> {
    for (const m of middleware) {
      try {
        await runOne(m, request, response);
        this.health.recordSuccess(m.plugin);
      } catch (error) {
        this.health.recordFailure(m.plugin, 'middleware', reasonOf(error));
        throw new PluginMiddlewareFailed(`plugin ${m.plugin} middleware failed`);
      }
    }
  }
}

/** One middleware: resolves when it calls `next()`, rejects on a throw or `next(error)`. */
function runOne(m: InstalledMiddleware, request: Request, response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const view = { method: request.method, path: request.path, headers: { ...request.headers } };
    const headers = { setHeader: (name: string, value: string) => response.setHeader(name, value) };
    try {
      m.handle(view, headers, (error?: unknown) =>
        error === undefined || error === null ? resolve() : reject(error as Error),
      );
    } catch (error) {
      reject(error as Error);
    }
  });
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
