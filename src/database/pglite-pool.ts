import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';

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

  constructor(private readonly db: Promise<PGlite>) {
    super();
  }

  connect(
    callback: (err: Error | null, client: PGliteClient | null, release: Release) => void,
  ): void {
    this.acquire().then(
      async (release) => {
        try {
          const db = await this.db;
          callback(null, new PGliteClient(db), release);
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
      const db = await this.db;
      return await new PGliteClient(db).query(sql, params, cb);
    } finally {
      release();
    }
  }

  end(cb?: (err: Error | null) => void): Promise<void> {
    const done = this.db.then((db) => db.close());
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
    return previous.then(() => release);
  }
}

export class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[] | Callback, cb?: Callback): Promise<unknown> {
    const callback = typeof params === 'function' ? params : cb;
    const values = Array.isArray(params) ? params : undefined;
    try {
      const result =
        values && values.length > 0
          ? await this.db.query(sql, values)
          : ((await this.db.exec(sql)).at(-1) ?? { rows: [], rowCount: 0, command: '' });
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
