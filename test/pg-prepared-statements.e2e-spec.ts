import { Pool } from 'pg';
import { createPostgresDatabase, type TestDatabase } from '#testing';
import { PreparedStatementClient } from '../src/database/pg-prepared-client';

/** The PostgreSQL driver's prepared statements (src/database/pg-prepared-client.ts). */
describe('PostgreSQL prepared statements', () => {
  let db: TestDatabase;
  let pool: Pool;
  /**
   * Errors of the pool's idle connection. pg-pool's end() resolves before its connection has
   * closed, so the forced drop after the last test may still end it: that one is no failure.
   */
  const idleErrors: Error[] = [];

  beforeAll(async () => {
    db = await createPostgresDatabase();
    pool = new Pool({ connectionString: db.url, max: 1, Client: PreparedStatementClient });
    pool.on('error', (error) => idleErrors.push(error));
    await pool.query('CREATE TABLE notes (id int PRIMARY KEY, body text)');
    await pool.query(`INSERT INTO notes VALUES (1, 'a'), (2, 'b')`);
  });

  afterEach(() => {
    expect(idleErrors).toEqual([]);
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const preparedOnServer = async (): Promise<string[]> =>
    (
      await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')
    ).rows.map((r) => r.statement);

  it('prepares a parameterised statement the second time it runs, with the same rows', async () => {
    const text = 'SELECT id, body FROM notes WHERE id = $1';
    const first = await pool.query(text, [1]);
    expect(await preparedOnServer()).not.toContain(text);
    const second = await pool.query(text, [1]);
    const third = await pool.query(text, [2]);
    expect(await preparedOnServer()).toContain(text);
    expect(second.rows).toEqual(first.rows);
    expect(third.rows).toEqual([{ id: 2, body: 'b' }]);
  });

  it('runs a statement without parameters as a simple query, never prepared', async () => {
    await pool.query('SELECT count(*) FROM notes');
    await pool.query('SELECT count(*) FROM notes');
    expect(await preparedOnServer()).not.toContain('SELECT count(*) FROM notes');
  });

  it('re-runs a statement whose table changed under its plan, then keeps it unprepared', async () => {
    const text = 'SELECT * FROM notes WHERE id = $1';
    await pool.query(text, [1]);
    await pool.query(text, [1]);
    await pool.query('ALTER TABLE notes ADD COLUMN tag text');
    const after = await pool.query(text, [1]);
    expect(after.rows).toEqual([{ id: 1, body: 'a', tag: null }]);
    expect((await pool.query(text, [2])).rows).toEqual([{ id: 2, body: 'b', tag: null }]);
  });

  it('inside a transaction, a stale plan fails the statement (the unit of work runs again)', async () => {
    const text = 'SELECT * FROM notes WHERE id > $1 ORDER BY id';
    await pool.query(text, [0]);
    await pool.query(text, [0]);
    await pool.query('ALTER TABLE notes ADD COLUMN score int');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await expect(client.query(text, [0])).rejects.toMatchObject({ code: '0A000' });
      await client.query('ROLLBACK');
      // the next attempt runs it unprepared
      const rows = (await client.query(text, [0])).rows;
      expect(rows.map((r: { id: number }) => r.id)).toEqual([1, 2]);
    } finally {
      client.release();
    }
  });

  it('keeps a failed statement from poisoning the connection', async () => {
    const insert = 'INSERT INTO notes (id, body) VALUES ($1, $2)';
    await pool.query(insert, [10, 'x']);
    await expect(pool.query(insert, [10, 'y'])).rejects.toMatchObject({ code: '23505' });
    await pool.query(insert, [11, 'z']);
    expect((await pool.query('SELECT body FROM notes WHERE id = $1', [11])).rows).toEqual([
      { body: 'z' },
    ]);
  });
});
