import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { inSnapshot, type SqlClient } from './database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.pool.query('CREATE TABLE snapshot_probe (n int)');
  await database.db.pool.query('INSERT INTO snapshot_probe VALUES (1)');
});
afterAll(async () => {
  await database?.drop();
});

describe('inSnapshot', () => {
  it('reads one moment: a write committed between two of its queries is not seen by the second', async () => {
    const count = async (sql: SqlClient) =>
      Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM snapshot_probe')).rows[0]!.n);
    const [first, second] = await inSnapshot(database.db.pool, async (sql) => {
      const before = await count(sql);
      await database.db.pool.query('INSERT INTO snapshot_probe VALUES (2)');
      return [before, await count(sql)];
    });
    expect(first).toBe(1);
    expect(second).toBe(1);
    expect(await count(database.db.pool)).toBe(2);
  });

  it('is read-only', async () => {
    await expect(inSnapshot(database.db.pool, (sql) => sql.query('INSERT INTO snapshot_probe VALUES (3)'))).rejects.toThrow(/read-only/);
  });
});
