import { retryingFetch } from './retry';

function answers(...responses: Response[]) {
  const seen: number[] = [];
  const send = async (request: Request) => {
    seen.push(Date.now());
    expect(await request.text()).toBe('{"goal":"x"}'); // the body is sent again whole
    return responses.shift()!;
  };
  return { send, seen };
}

const request = () =>
  new Request('http://api.test/goals', { method: 'POST', body: '{"goal":"x"}' });

describe('retryingFetch', () => {
  it('sends a request again after the Retry-After a 429 names', async () => {
    const { send, seen } = answers(
      new Response('{}', { status: 429, headers: { 'retry-after': '1' } }),
      new Response('{}', { status: 202 }),
    );
    const response = await retryingFetch(send)(request());
    expect(response.status).toBe(202);
    expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(950);
  });

  it('backs off on a 503 without Retry-After, and answers the last refusal when retries run out', async () => {
    const { send, seen } = answers(
      new Response('', { status: 503 }),
      new Response('', { status: 503 }),
      new Response('', { status: 503 }),
    );
    const response = await retryingFetch(send, { maxRetries: 2, baseDelayMs: 10 })(request());
    expect(response.status).toBe(503);
    expect(seen).toHaveLength(3);
  });

  it('does not wait longer than maxDelayMs: the 429 is answered at once', async () => {
    const { send, seen } = answers(
      new Response('', { status: 429, headers: { 'retry-after': '3600' } }),
    );
    const response = await retryingFetch(send, { maxDelayMs: 1000 })(request());
    expect(response.status).toBe(429);
    expect(seen).toHaveLength(1);
  });

  it('leaves other statuses alone', async () => {
    const { send, seen } = answers(new Response('', { status: 404 }));
    expect((await retryingFetch(send)(request())).status).toBe(404);
    expect(seen).toHaveLength(1);
  });
});
