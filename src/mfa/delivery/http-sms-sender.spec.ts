import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '#testing/app-process';
import type { CodeMessage } from './code-delivery';
import { HttpSmsSender } from './http-sms-sender';

interface Request {
  method?: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Reply = { status: number; body?: unknown };

/** A gateway that answers with the given replies in turn, the last one repeated. */
async function startGateway(
  ...replies: Reply[]
): Promise<{ url: string; requests: Request[]; stop: () => Promise<void> }> {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      const reply = replies[Math.min(requests.length, replies.length) - 1];
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const message: CodeMessage = { to: '+15550100', code: '123456', purpose: 'login', ttlMinutes: 5 };
const authorization = 'Bearer gateway-secret-token';

describe('HTTP SMS sender', () => {
  it('posts the text and the number as JSON with the authorization header', async () => {
    const gateway = await startGateway({ status: 201, body: { id: 'sms-77' } });
    try {
      const sender = new HttpSmsSender({ url: gateway.url, authorization });
      expect(sender.channel).toBe('sms');
      expect(await sender.send(message)).toEqual({ status: 'sent', providerMessageId: 'sms-77' });
      expect(gateway.requests).toHaveLength(1);
      const [request] = gateway.requests;
      expect(request.method).toBe('POST');
      expect(request.headers.authorization).toBe(authorization);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body).toEqual({
        to: '+15550100',
        message: 'Your Agent Village code is 123456. It expires in 5 minutes.',
      });
    } finally {
      await gateway.stop();
    }
  });

  it('reads message_id, and sends no authorization header when none is set', async () => {
    const gateway = await startGateway({ status: 200, body: { message_id: 991 } });
    try {
      const result = await new HttpSmsSender({ url: gateway.url }).send(message);
      expect(result).toEqual({ status: 'sent', providerMessageId: '991' });
      expect(gateway.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await gateway.stop();
    }
  });

  it('counts a 2xx without a JSON id as sent', async () => {
    const gateway = await startGateway({ status: 202, body: 'queued' });
    try {
      expect(await new HttpSmsSender({ url: gateway.url }).send(message)).toEqual({
        status: 'sent',
        providerMessageId: undefined,
      });
    } finally {
      await gateway.stop();
    }
  });

  it('retries a server error once and succeeds the second time', async () => {
    const gateway = await startGateway({ status: 503 }, { status: 200, body: { id: 'late' } });
    try {
      const result = await new HttpSmsSender({ url: gateway.url }).send(message);
      expect(result).toEqual({ status: 'sent', providerMessageId: 'late' });
      expect(gateway.requests).toHaveLength(2);
    } finally {
      await gateway.stop();
    }
  });

  it('fails after two server errors, without the code or the credentials in the error', async () => {
    const gateway = await startGateway({ status: 500, body: { error: `bad ${authorization}` } });
    try {
      const result = await new HttpSmsSender({ url: gateway.url, authorization }).send(message);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/HTTP 500/);
      expect(result.error).not.toContain(message.code);
      expect(result.error).not.toContain('gateway-secret-token');
      expect(gateway.requests).toHaveLength(2);
    } finally {
      await gateway.stop();
    }
  });

  it('does not retry a client error', async () => {
    const gateway = await startGateway({ status: 400, body: { error: 'invalid number' } });
    try {
      const result = await new HttpSmsSender({ url: gateway.url, authorization }).send(message);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/HTTP 400/);
      expect(gateway.requests).toHaveLength(1);
    } finally {
      await gateway.stop();
    }
  });

  it('reports an unreachable gateway as failed instead of throwing', async () => {
    const port = await freePort();
    const sender = new HttpSmsSender({ url: `http://127.0.0.1:${port}/sms`, authorization });
    const result = await sender.send(message);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/unreachable/);
    expect(result.error).not.toContain(message.code);
    expect(result.error).not.toContain('gateway-secret-token');
  });

  it('gives up on a gateway that does not answer in time', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sender = new HttpSmsSender({ url: `http://127.0.0.1:${port}/sms`, timeoutMs: 100 });
      const result = await sender.send(message);
      expect(result).toEqual({ status: 'failed', error: 'SMS gateway timed out' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
