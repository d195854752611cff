import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { PgliteStatements } from './pglite-statements';

type Callback = (err: Error | null, result?: unknown) => void;
type Release = () => void;

/**
 * A `pg.Pool` look-alike over one PGlite instance for TypeORM's postgres driver.
 *
 * PGlite is a single session, so a checked-out "connection" must be exclusive: two
 * TypeORM transactions sharing it would interleave their BEGIN/COMMIT. `connect()`
 * therefore hands the session to one query runner at a time, and `query()` on the pool
 * itself waits its turn the same way.
 */
export class PGlitePool extends EventEmitter {
  private queue: Promise<void> = Promise.resolve();
  private readonly session: Promise<Session>;

  constructor(db: Promise<PGlite>) {
    super();
    this.session = db.then(async (pglite) => ({
      db: pglite,
      statements: new PgliteStatements(pglite, await import('@electric-sql/pglite')),
    }));
    // a failed open surfaces on the first checkout, not as an unhandled rejection
    this.session.catch(() => undefined);
  }

  connect(
    callback: (err: Error | null, client: PGliteClient | null, release: Release) => void,
  ): void {
    this.acquire().then(
      async (release) => {
        try {
          callback(null, new PGliteClient(await this.session), release);
        } catch (error) {
          release();
          callback(error as Error, null, () => undefined);
        }
      },
      (error: Error) => callback(error, null, () => undefined),
    );
  }

  async query(sql: string, params?: unknown[] | Callback, cb?: Callback): Promise<unknown> {
    const release = await this.acquire();
    try {
      return await new PGliteClient(await this.session).query(sql, params, cb);
    } finally {
      release();
    }
  }

  end(cb?: (err: Error | null) => void): Promise<void> {
    const done = this.session.then(({ db }) => db.close());
    done.then(
      () => cb?.(null),
      (error: Error) => cb?.(error),
    );
    return done;
  }

  private acquire(): Promise<Release> {
    let release!: Release;
    const turn = new Promise<void>((resolve) => {
      let released = false;
      release = () => {
        if (released) return;
        released = true;
        resolve();
      };
    });
    const previous = this.queue;
    this.queue = previous.then(() => turn);
    // PGlite works on this thread, and a checkout's statements follow one another without
    // giving way: what is waiting for the event loop (a model request being sent, say) goes
    // first, as it would while a database server worked
    return previous.then(() => new Promise<Release>((resolve) => setImmediate(resolve, release)));
  }
}

interface Session {
  db: PGlite;
  statements: PgliteStatements;
}

export class PGliteClient extends EventEmitter {
  constructor(private readonly session: Session) {
    super();
  }

  async query(sql: string, params?: unknown[] | Callback, cb?: Callback): Promise<unknown> {
    const callback = typeof params === 'function' ? params : cb;
    const values = Array.isArray(params) ? params : undefined;
    try {
      const { db, statements } = this.session;
      const result =
        values && values.length > 0
          ? ((await statements.query(sql, values)) ?? (await db.query(sql, values)))
          : ((await db.exec(sql)).at(-1) ?? { rows: [], rowCount: 0, command: '' });
      callback?.(null, result);
      return result;
    } catch (error) {
      callback?.(error as Error);
      throw error;
    }
  }

  release(): void {
    // the pool's release callback ends the checkout
  }
}

/** The `driver` object TypeORM's postgres driver expects (it calls `new driver.Pool()`). */
export function pgliteDriver(db: Promise<PGlite>): { Pool: new () => PGlitePool } {
  return {
    Pool: class extends PGlitePool {
      constructor() {
        super(db);
      }
    },
  };
}
