import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, outboxRows, pendingOutboxMessages, deferWrites } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { OutboxAcks } from './outbox';

let database: TestDatabase;
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Outbox rows as a committed step leaves them, with their ids. */
async function recorded(count: number): Promise<string[]> {
  const rows = outboxRows(Array.from({ length: count }, (_, i) => ({ message: { type: 'StartExecution', executionId: `e${i}` } })), new Date());
  await inTransaction(database.db.pool, async (client) => {
    const { batch } = await deferWrites(client, async () => undefined);
    batch.addOutbox(rows);
    await client.query(batch.take()!);
  });
  return rows.map((row) => row.id);
}

const sent = (ids: string[]) => ids.map((outboxId) => ({ message: { type: 'CompleteExecution' as const, executionId: 'x' }, outboxId }));

describe('OutboxAcks', () => {
  it('hands the sent rows to the next transaction, and deletes them itself only when none takes them in time', async () => {
    const acks = new OutboxAcks(database.db.pool, log, 30);
    const taken = await recorded(2);
    acks.add(sent(taken));
    expect(acks.take()).toEqual(taken);
    // Taken: the fallback has nothing left to delete, so the rows stay until their taker commits.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await pendingOutboxMessages(database.db.pool, 10)).toHaveLength(2);

    // A taker whose transaction failed gives them back: the fallback deletes them.
    acks.giveBack(taken);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await pendingOutboxMessages(database.db.pool, 10)).toHaveLength(0);
  });

  it('deletes what is left at flush (a worker closing)', async () => {
    const acks = new OutboxAcks(database.db.pool, log, 60_000);
    acks.add(sent(await recorded(3)));
    await acks.flush();
    expect(await pendingOutboxMessages(database.db.pool, 10)).toHaveLength(0);
  });
});
