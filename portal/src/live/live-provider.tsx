import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { credentialsSettled } from '../api/credential-changes';
import { useSession } from '../auth/session-context';
import { LiveContext, type Connection, type Live, type LiveEvent } from './live-context';
import { invalidateFor } from './live-invalidation';
import { applyDelta, type WrittenOutput } from './task-output';

const MAX_EVENTS = 500;
const REQUEST_TIMEOUT_MS = 15_000;

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
}

function socketUrl(configured: string): string {
  if (configured) return configured;
  return `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}/ws`;
}

/**
 * The tenant's live event stream over the WebSocket: subscribes on open, resumes after the
 * last event seen when it reconnects (backing off up to 10 s), and refreshes the cached API
 * data the events touch. The session cookie authenticates the socket.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { config, signedOut } = useSession();
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [outputs, setOutputs] = useState<ReadonlyMap<string, string>>(new Map());
  const socket = useRef<WebSocket | null>(null);
  const pending = useRef(new Map<string, Pending>());
  const nextId = useRef(1);

  useEffect(() => {
    let stopped = false;
    let attempt = 0;
    let lastEventId: number | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const refresh = invalidateFor(queryClient);
    const written = new Map<string, WrittenOutput>();
    const publishOutputs = () =>
      setOutputs(new Map([...written].map(([task, output]) => [task, output.text])));

    function failPending(reason: string) {
      for (const [id, p] of pending.current) {
        p.reject(new Error(reason));
        pending.current.delete(id);
      }
    }

    function connect() {
      if (stopped) return;
      setConnection('connecting');
      let ws: WebSocket;
      try {
        ws = new WebSocket(socketUrl(config.ws_url));
      } catch {
        reconnectLater();
        return;
      }
      socket.current = ws;
      ws.onopen = () => {
        attempt = 0;
        setConnection('live');
        const subscribe: Record<string, unknown> = { scope: 'tenant' };
        if (lastEventId !== null) subscribe.last_event_id = lastEventId;
        ws.send(JSON.stringify({ event: 'subscribe', data: subscribe, id: 'sub' }));
        refresh.all();
      };
      ws.onmessage = (message) => {
        let envelope: { event: string; id?: unknown; data?: Record<string, unknown> };
        try {
          envelope = JSON.parse(String(message.data));
        } catch {
          return;
        }
        const data = envelope.data ?? {};
        if (envelope.event === 'ack' || envelope.event === 'error') {
          const p = typeof envelope.id === 'string' ? pending.current.get(envelope.id) : undefined;
          if (p) {
            pending.current.delete(envelope.id as string);
            if (envelope.event === 'ack') p.resolve(data);
            else p.reject(new Error(String(data.detail ?? data.title ?? 'refused')));
          }
          return;
        }
        if (envelope.event === 'connected') return;
        if (envelope.event === 'task.output.delta') {
          // not an event of the log: no id, not kept, never a resume position
          if (applyDelta(written, data)) publishOutputs();
          return;
        }
        if (
          (envelope.event === 'task.completed' || envelope.event === 'task.failed') &&
          typeof data.task_id === 'string' &&
          written.delete(data.task_id)
        )
          publishOutputs();
        const id = typeof envelope.id === 'number' ? envelope.id : undefined;
        if (id !== undefined) lastEventId = Math.max(lastEventId ?? 0, id);
        setEvents((list) => {
          const next = [...list, { id, event: envelope.event, data, at: new Date() }];
          return next.length > MAX_EVENTS ? next.slice(next.length - MAX_EVENTS) : next;
        });
        refresh.onEvent(envelope.event);
      };
      ws.onclose = (event) => {
        // A socket this page already replaced has nothing more to say.
        if (socket.current !== ws) return;
        socket.current = null;
        failPending('connection closed');
        if (stopped) return;
        if (event.code === 4401) {
          // Refused credentials may only be replaced ones (the session took a new token when
          // it was elevated or enrolled a second factor): signed out only if the API agrees.
          void stillSignedIn().then((signedIn) => {
            if (stopped) return;
            if (signedIn) return reconnectLater();
            setConnection('signed out');
            signedOut();
          });
          return;
        }
        setConnection('offline');
        reconnectLater();
      };
    }

    function reconnectLater() {
      const delay = Math.min(10_000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4);
      retryTimer = setTimeout(connect, delay);
    }

    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      refresh.cancel();
      const ws = socket.current;
      socket.current = null;
      failPending('signed out');
      ws?.close(1000, 'signed out');
    };
  }, [config.ws_url, queryClient, signedOut]);

  const request = useCallback(<T,>(event: string, data: unknown): Promise<T> => {
    const ws = socket.current;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
    const id = `r${nextId.current++}`;
    return new Promise<T>((resolve, reject) => {
      pending.current.set(id, { resolve: (d) => resolve(d as T), reject });
      ws.send(JSON.stringify({ event, data, id }));
      setTimeout(() => {
        if (pending.current.delete(id)) reject(new Error('no answer from the server'));
      }, REQUEST_TIMEOUT_MS);
    });
  }, []);

  // For operators in the browser console (and the browser tests): the live socket.
  useEffect(() => {
    (window as unknown as { avPortal: unknown }).avPortal = { socket: () => socket.current };
  }, []);

  const live = useMemo<Live>(
    () => ({
      connection,
      events,
      clearEvents: () => setEvents([]),
      outputs,
      request,
      isOpen: () => socket.current?.readyState === WebSocket.OPEN,
    }),
    [connection, events, outputs, request],
  );
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

/** Whether the session cookie this page holds now is still accepted. */
async function stillSignedIn(): Promise<boolean> {
  try {
    await credentialsSettled();
    return (await api.GET('/api/v1/auth/me')).response.ok;
  } catch {
    return false;
  }
}
