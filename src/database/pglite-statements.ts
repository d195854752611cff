import type { PGlite, Results } from '@electric-sql/pglite';

type PgliteModule = typeof import('@electric-sql/pglite');

interface Prepared {
  name: string;
  paramTypes: number[];
}

/** SQLSTATEs after which a prepared statement is dropped and the query re-run unprepared. */
const STALE_STATEMENT = new Set(['26000', '0A000']);

/**
 * Named prepared statements over one PGlite session.
 *
 * PGlite's own `query()` parses and plans every statement anew, in five calls into the WASM
 * backend. The governor's hot statements are few and repeated per task, and planning one of
 * them costs as much as running it; a statement seen twice is therefore prepared once and
 * afterwards runs as one bind-describe-execute-sync call on its cached plan. One-off
 * statements keep the plain path, and the cache is bounded (least recently used goes).
 */
export class PgliteStatements {
  private readonly seen = new Map<string, number>();
  private readonly prepared = new Map<string, Prepared>();
  private readonly closing: string[] = [];
  private counter = 0;

  constructor(
    private readonly db: PGlite,
    private readonly pglite: PgliteModule,
    private readonly capacity = 256,
  ) {}

  /** Runs a parameterised statement; undefined means "not worth preparing yet: run it plainly". */
  async query(sql: string, values: readonly unknown[]): Promise<Results | undefined> {
    let statement = this.prepared.get(sql);
    if (statement) {
      this.prepared.delete(sql); // re-inserted below: most recently used last
    } else {
      if (!this.worthPreparing(sql)) return undefined;
      statement = await this.prepare(sql);
    }
    this.prepared.set(sql, statement);
    try {
      return await this.execute(statement, values);
    } catch (error) {
      if (STALE_STATEMENT.has((error as { code?: string }).code ?? '')) {
        this.prepared.delete(sql);
        this.closing.push(statement.name);
        // inside a transaction the error has aborted it: a re-run could only fail again
        if (!this.db.isInTransaction()) return undefined;
      }
      throw error;
    }
  }

  private worthPreparing(sql: string): boolean {
    const count = (this.seen.get(sql) ?? 0) + 1;
    this.seen.delete(sql);
    if (count >= 2) return true;
    this.seen.set(sql, count);
    if (this.seen.size > this.capacity * 8) {
      this.seen.delete(this.seen.keys().next().value as string);
    }
    return false;
  }

  private async prepare(sql: string): Promise<Prepared> {
    const { serialize } = this.pglite.protocol;
    await this.closeEvicted();
    const name = `av_stmt_${++this.counter}`;
    const { messages } = await this.db.execProtocol(
      concat(
        serialize.parse({ name, text: sql, types: [] }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ),
    );
    const statement = {
      name,
      paramTypes: this.pglite.parse.parseDescribeStatementResults(messages),
    };
    if (this.prepared.size >= this.capacity) {
      const [oldestSql, oldest] = this.prepared.entries().next().value as [string, Prepared];
      this.prepared.delete(oldestSql);
      this.closing.push(oldest.name);
    }
    return statement;
  }

  private async execute(statement: Prepared, values: readonly unknown[]): Promise<Results> {
    const { serialize } = this.pglite.protocol;
    const serializers = this.db.serializers;
    const params = values.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = serializers[statement.paramTypes[i]];
      return serializer ? serializer(value) : String(value);
    });
    const { messages } = await this.db.execProtocol(
      concat(
        serialize.bind({ statement: statement.name, values: params }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ),
    );
    return this.pglite.parse.parseResults(messages, this.db.parsers)[0];
  }

  private async closeEvicted(): Promise<void> {
    if (!this.closing.length) return;
    const { serialize } = this.pglite.protocol;
    const names = this.closing.splice(0);
    await this.db.execProtocol(
      concat(...names.map((name) => serialize.close({ type: 'S', name })), serialize.sync()),
    );
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
