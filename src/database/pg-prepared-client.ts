import { Client, type QueryResult } from 'pg';

/** SQLSTATEs that say a connection's prepared statement no longer fits or exists. */
const STALE_STATEMENT = new Set([
  '0A000', // cached plan must not change result type (the table changed under it)
  '26000', // prepared statement does not exist (the session was reset)
]);

/** How many connections-worth of statement texts the process remembers having seen. */
const SEEN_CAPACITY = 4096;

/**
 * The statements the process has seen, shared by its connections: a statement text seen
 * twice is worth preparing, and keeps one name everywhere. Texts built per call (a vector
 * search with inlined weights, say) are seen once and never prepared.
 */
class StatementNames {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private counter = 0;

  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known) return known;
    const count = (this.seen.get(text) ?? 0) + 1;
    this.seen.delete(text);
    if (count < 2) {
      this.seen.set(text, count);
      if (this.seen.size > SEEN_CAPACITY) this.seen.delete(this.seen.keys().next().value as string);
      return undefined;
    }
    const name = `av_${++this.counter}`;
    this.names.set(text, name);
    return name;
  }
}

const names = new StatementNames();

/** The per-connection state pg keeps of the statements it has parsed. */
interface ParsedStatements {
  parsedStatements: Record<string, string>;
}

/**
 * A pg client that runs the application's repeated statements as named prepared
 * statements: the server parses and plans one of them once per connection instead of on
 * every call. The governor's statements are few, repeated per task, and several of them
 * (the batched completion of a wave of tasks) cost more to plan than to run.
 *
 * Only parameterised statements (the extended protocol) are prepared, at most `capacity`
 * per connection; a statement whose plan went stale (a migration changed a table) or
 * whose name the server forgot (a pooler reset the session) runs unprepared on that
 * connection from then on, and is re-run at once unless a transaction was open (the error
 * aborted it: the unit of work's retry runs it again).
 */
export class PreparedStatementClient extends Client {
  static capacity = 256;
  private readonly prepared = new Set<string>();
  private readonly unpreparable = new Set<string>();

  // pg's overloads (submittables, config objects) pass through untouched; only text with an
  // array of values is rewritten, in its promise and callback forms (the pool uses the latter)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches pg's own overloaded signature
  override query(config: any, values?: any, callback?: any): any {
    if (
      typeof config !== 'string' ||
      !Array.isArray(values) ||
      (callback !== undefined && typeof callback !== 'function')
    )
      return super.query(config, values, callback);
    const name = this.nameOf(config);
    if (!name) return super.query(config, values, callback);
    const result = this.runPrepared(config, values, name);
    if (!callback) return result;
    result.then(
      (res) => callback(null, res),
      (error: unknown) => callback(error),
    );
    return undefined;
  }

  private runPrepared(text: string, values: unknown[], name: string): Promise<QueryResult> {
    return (super.query({ name, text, values }) as Promise<QueryResult>).catch(
      (error: { code?: string }) => {
        if (!STALE_STATEMENT.has(error.code ?? '')) throw error;
        this.forget(text, name);
        if (this.getTransactionStatus() !== 'I') throw error;
        return super.query(text, values) as Promise<QueryResult>;
      },
    );
  }

  private nameOf(text: string): string | undefined {
    if (this.unpreparable.has(text)) return undefined;
    const name = names.nameFor(text);
    if (!name) return undefined;
    if (this.prepared.has(name)) return name;
    if (this.prepared.size >= PreparedStatementClient.capacity) return undefined;
    this.prepared.add(name);
    return name;
  }

  private forget(text: string, name: string): void {
    this.unpreparable.add(text);
    this.prepared.delete(name);
    const connection = (this as unknown as { connection: ParsedStatements }).connection;
    delete connection.parsedStatements[name];
  }
}
