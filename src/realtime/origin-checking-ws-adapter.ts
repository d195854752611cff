import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import { problem, PROBLEM_CONTENT_TYPE } from '#common';
import { isOriginAllowed } from './ws-origin';

type VerifyDone = (
  verified: boolean,
  code?: number,
  message?: string,
  headers?: Record<string, string>,
) => void;

const REFUSAL = JSON.stringify({
  ...problem(
    403,
    'origin-not-allowed',
    'Forbidden',
    'This origin may not open the WebSocket (see WS_ALLOWED_ORIGINS).',
  ),
  instance: '/ws',
});

/**
 * The ws adapter with an Origin check at the upgrade, before any gateway code runs: a
 * browser page from a foreign origin gets 403 (problem+json) instead of a socket that
 * would carry the user's session cookie (cross-site WebSocket hijacking).
 */
export class OriginCheckingWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: readonly string[],
  ) {
    super(app);
  }

  override create(
    port: number,
    options?: Parameters<WsAdapter['create']>[1],
  ): ReturnType<WsAdapter['create']> {
    return super.create(port, {
      ...options,
      verifyClient: (info: { req: IncomingMessage }, done: VerifyDone) => {
        const origin = info.req.headers.origin;
        if (isOriginAllowed(origin, info.req.headers.host, this.allowedOrigins)) done(true);
        else done(false, 403, REFUSAL, { 'Content-Type': PROBLEM_CONTENT_TYPE });
      },
    });
  }
}
