import { Injectable } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { IncomingMessage } from 'node:http';
import { findUnsafeText, unsafeTextReason } from '../http/input-safety';
import { JWT_SHAPE } from '../oauth-tokens/jwt-shape';
import { OAuthAccessTokens } from '../oauth-tokens/oauth-access-tokens.service';
import { AuthorizationServer } from './authorization-server.service';
import { hashBasicSecret, hashFormSecret } from './client-authentication-rewrite';
import { OAuthInteractions } from './oauth-interactions';
import { OAUTH_STYLESHEET } from './oauth-html';

/** Endpoints where clients authenticate (and so present a secret). */
const CLIENT_AUTHENTICATED = new Set([
  '/token',
  '/token/introspection',
  '/token/revocation',
  '/device/auth',
  '/request',
]);
/** Endpoints that take a token to look up. */
const TOKEN_LOOKUP = new Set(['/token/introspection', '/token/revocation']);
/** oidc-provider's own limit on a request body. */
const BODY_LIMIT = 56 * 1024;

/**
 * Everything under /oauth: the sign-in and consent pages, then oidc-provider. Before a
 * request reaches the provider, a presented client secret is replaced by its hash (the
 * server only knows hashes), and an access token given to introspection or revocation is
 * replaced by its record id, so these standard endpoints work on our JWT access tokens too.
 * A parameter (query or form) holding a NUL or a lone surrogate, which the database cannot
 * store or look up, is refused with 400 before anything reads it.
 */
@Injectable()
export class OAuthHttp {
  constructor(
    private readonly server: AuthorizationServer,
    private readonly interactions: OAuthInteractions,
    private readonly tokens: OAuthAccessTokens,
  ) {}

  router(): Router {
    const router = Router();
    const form = [express.urlencoded({ extended: false, limit: '16kb' }), refuseUnsafeForm];
    const run =
      (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) =>
        void handler(req, res);
    router.use(refuseUnsafeQuery);
    router.get('/ui.css', (_req, res) => {
      res.type('css').setHeader('Cache-Control', 'public, max-age=300');
      res.send(OAUTH_STYLESHEET);
    });
    router.get(
      '/interaction/:uid',
      run((q, s) => this.interactions.show(q, s)),
    );
    router.post(
      '/interaction/:uid/login',
      form,
      run((q, s) => this.interactions.login(q, s)),
    );
    router.post(
      '/interaction/:uid/mfa',
      form,
      run((q, s) => this.interactions.mfa(q, s)),
    );
    router.post(
      '/interaction/:uid/continue',
      form,
      run((q, s) => this.interactions.continueSignedIn(q, s)),
    );
    router.post(
      '/interaction/:uid/confirm',
      form,
      run((q, s) => this.interactions.confirm(q, s)),
    );
    router.post(
      '/interaction/:uid/abort',
      form,
      run((q, s) => this.interactions.abort(q, s)),
    );
    router.use((req: Request, res: Response, next: NextFunction) => {
      if (
        req.method === 'POST' &&
        (CLIENT_AUTHENTICATED.has(req.path) || req.is('application/x-www-form-urlencoded'))
      )
        return void this.rewritten(req, res).catch(next);
      this.server.handle(req, res);
    });
    return router;
  }

  private async rewritten(req: Request, res: Response): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res
        .status(400)
        .json({ error: 'invalid_request', error_description: 'The body is too large.' });
      return;
    }
    const authenticated = CLIENT_AUTHENTICATED.has(req.path);
    const authorization = authenticated
      ? hashBasicSecret(req.headers.authorization)
      : req.headers.authorization;
    const headers = { ...req.headers, authorization };
    if (req.is('application/x-www-form-urlencoded')) {
      const params = new URLSearchParams(body.toString('utf8'));
      for (const [name, value] of params) {
        const reason = unsafeTextReason(name) ?? unsafeTextReason(value);
        if (reason) return invalidParameter(res, name, reason);
      }
      if (authenticated) hashFormSecret(params);
      const token = params.get('token');
      if (TOKEN_LOOKUP.has(req.path) && token && JWT_SHAPE.test(token)) {
        const recordId = await this.tokens.recordIdOf(token);
        if (recordId) params.set('token', recordId);
      }
      body = Buffer.from(params.toString(), 'utf8');
    }
    this.server.handle(replay(req, headers, body), res);
  }
}

function refuseUnsafeQuery(req: Request, res: Response, next: NextFunction): void {
  const bad = findUnsafeText(req.query, '', 'query string');
  if (bad) return invalidParameter(res, bad.field, bad.message);
  next();
}

function refuseUnsafeForm(req: Request, res: Response, next: NextFunction): void {
  const bad = findUnsafeText(req.body, '', 'body');
  if (bad) return invalidParameter(res, bad.field, bad.message);
  next();
}

/** RFC 6749's error answer, naming the parameter. */
function invalidParameter(res: Response, name: string, reason: string): void {
  const field = unsafeTextReason(name) ? 'a parameter name' : name;
  res.status(400).json({ error: 'invalid_request', error_description: `${field} ${reason}.` });
}

async function readBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new Error('request entity too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** A copy of the request with new headers and body, readable again by the provider. */
function replay(req: Request, headers: IncomingMessage['headers'], body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.httpVersion = req.httpVersion;
  copy.headers = { ...headers, 'content-length': String(body.length) };
  if (headers.authorization === undefined) delete copy.headers.authorization;
  delete copy.headers['transfer-encoding'];
  Object.assign(copy, { originalUrl: req.originalUrl, baseUrl: req.baseUrl });
  // Complete, so that its end does not count as an aborted request (which closes the socket).
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}
