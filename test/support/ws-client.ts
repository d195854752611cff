import WebSocket from 'ws';
import { TEST_ADMIN_API_KEY, waitFor } from '#testing';

export interface Envelope {
  event: string;
  data: Record<string, unknown>;
  id?: string | number;
}

/** A WebSocket test client: records every message, answers requests by id. */
export class WsTestClient {
  readonly messages: Envelope[] = [];
  closed?: { code: number; reason: string };
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.messages.push(JSON.parse(raw.toString()) as Envelope));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  /** Connects as the test admin (X-API-Key) unless other headers are given. */
  static async connect(
    baseUrl: string,
    headers: Record<string, string> = { 'x-api-key': TEST_ADMIN_API_KEY },
  ): Promise<WsTestClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { headers });
    const client = new WsTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await waitFor(() => client.messages.some((m) => m.event === 'connected'), {
      what: 'connected',
    });
    return client;
  }

  /** Goal events (server → client envelopes with a numeric id), optionally of one goal. */
  events(goalId?: string): Envelope[] {
    return this.messages.filter(
      (m) => typeof m.id === 'number' && (!goalId || m.data.goal_id === goalId),
    );
  }

  async request(event: string, data: unknown): Promise<Envelope> {
    const id = `req-${this.nextId++}`;
    this.socket.send(JSON.stringify({ event, data, id }));
    return waitFor(
      () => this.messages.find((m) => m.id === id && ['ack', 'error'].includes(m.event)),
      {
        what: `answer to ${event}`,
      },
    );
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close(1000, 'test done');
    await closed;
  }
}
