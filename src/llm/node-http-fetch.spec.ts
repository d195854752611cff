import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { createNodeHttpFetch } from './node-http-fetch';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('node:http fetch for API clients', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let connections = 0;
  const fetchImpl = createNodeHttpFetch();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString(), res));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and body, and answers status, headers and JSON', async () => {
    handler = (req, body, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body }));
    };
    const res = await fetchImpl(`${base}/v1/things`, {
      method: 'post',
      headers: new Headers({ Authorization: 'Bearer k', 'content-type': 'application/json' }),
      body: '{"a":1}',
    });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(await res.json()).toEqual({ method: 'POST', auth: 'Bearer k', body: '{"a":1}' });
  });

  it('keeps the connection alive between calls', async () => {
    handler = (_req, _body, res) => res.end('ok');
    await (await fetchImpl(`${base}/a`)).text();
    const before = connections;
    for (let i = 0; i < 3; i++) expect(await (await fetchImpl(`${base}/b`)).text()).toBe('ok');
    expect(connections).toBe(before);
  });

  it("closes an idle connection before the server's announced keep-alive timeout", async () => {
    const idle = createServer((_req, res) => res.end('ok'));
    idle.keepAliveTimeout = 2000; // announced as Keep-Alive: timeout=2
    let closedAfter = -1;
    idle.on('connection', (socket) => {
      const opened = Date.now();
      socket.on('close', () => (closedAfter = Date.now() - opened));
    });
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    try {
      const port = (idle.address() as AddressInfo).port;
      const res = await createNodeHttpFetch()(`http://127.0.0.1:${port}/`);
      expect(res.headers.get('keep-alive')).toBe('timeout=2');
      await res.text();
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(closedAfter).toBeGreaterThanOrEqual(900); // kept for reuse first
      expect(closedAfter).toBeLessThan(1600); // then closed by the client, before the server's 2 s
    } finally {
      idle.closeAllConnections();
      await new Promise((resolve) => idle.close(resolve));
    }
  });

  it('decodes a gzip body and drops the encoding headers', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync('{"zipped":true}'));
    };
    const res = await fetchImpl(`${base}/z`);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.json()).toEqual({ zipped: true });
  });

  it('passes error statuses and empty bodies through', async () => {
    handler = (req, _body, res) => {
      if (req.url === '/none') {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
        res.end('{"error":{"message":"slow down"}}');
      }
    };
    const limited = await fetchImpl(`${base}/limited`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toEqual({ error: { message: 'slow down' } });
    const none = await fetchImpl(`${base}/none`);
    expect(none.status).toBe(204);
    expect(none.body).toBeNull();
  });

  it('streams an event stream as it arrives', async () => {
    let finish: () => void = () => undefined;
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      finish = () => res.end('data: two\n\n');
    };
    const res = await fetchImpl(`${base}/sse`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('data: one\n\n');
    finish();
    const rest: string[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest.push(Buffer.from(r.value).toString());
    expect(rest.join('')).toBe('data: two\n\n');
  });

  it('follows redirects: 307 keeps the body, 303 turns into a GET', async () => {
    handler = (req, body, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else if (req.url === '/see') res.writeHead(303, { location: '/new' }).end();
      else res.end(`${req.method} ${body}`);
    };
    const moved = await fetchImpl(`${base}/old`, { method: 'POST', body: 'x' });
    expect(await moved.text()).toBe('POST x');
    expect(moved.url).toBe(`${base}/new`);
    expect(await (await fetchImpl(`${base}/see`, { method: 'POST', body: 'x' })).text()).toBe(
      'GET ',
    );
  });

  it('rejects with an AbortError when the signal fires, and the server sees the request go', async () => {
    let closed: Promise<void> = Promise.resolve();
    handler = (req) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    };
    const controller = new AbortController();
    const pending = fetchImpl(`${base}/slow`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await closed;
    const aborted = new AbortController();
    aborted.abort();
    await expect(fetchImpl(`${base}/x`, { signal: aborted.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects when the server cuts the response off', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    await expect(fetchImpl(`${base}/cut`)).rejects.toThrow();
  });

  it('serves the OpenAI client: a chat completion and its API error', async () => {
    handler = (req, body, res) => {
      const request = JSON.parse(body) as { model: string };
      if (request.model === 'missing') {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":{"message":"no such model","type":"invalid_request_error"}}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 0,
          model: request.model,
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi' } },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      );
    };
    const client = new OpenAI({ apiKey: 'k', baseURL: base, maxRetries: 0, fetch: fetchImpl });
    const reply = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(reply.choices[0].message.content).toBe('hi');
    expect(reply.usage?.total_tokens).toBe(4);
    await expect(
      client.chat.completions.create({ model: 'missing', messages: [] }),
    ).rejects.toMatchObject({ status: 404, message: expect.stringContaining('no such model') });
  });
});
