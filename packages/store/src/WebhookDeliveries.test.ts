import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { WebhookDeliveries } from './WebhookDeliveries';

describe('WebhookDeliveries', () => {
  let database: TestDatabase;
  let deliveries: WebhookDeliveries;
  beforeAll(async () => {
    database = await createTestDatabase();
    deliveries = new WebhookDeliveries(database.db.pool);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('processes a new id, retries an unfinished one in the same epoch, and answers a finished one with its executions', async () => {
    const first = await deliveries.claim('github', 'd-1');
    expect(first.state).toBe('process');
    // The first request died (or is still running): a retry works in the same epoch, so the launch keys agree.
    expect(await deliveries.claim('github', 'd-1')).toEqual(first);
    expect((await deliveries.claim('gitlab', 'd-1')).state).toBe('process');
    await deliveries.complete('github', 'd-1', first.epoch, []);
    expect(await deliveries.claim('github', 'd-1')).toEqual({ state: 'seen', epoch: first.epoch, executions: [] });
  });

  it('forgets an id after 24 hours', async () => {
    const first = await deliveries.claim('github', 'd-2');
    await deliveries.complete('github', 'd-2', first.epoch, []);
    await database.db.pool.query(
      "UPDATE webhook_deliveries SET received_at = received_at - interval '24 hours 1 second' WHERE delivery_id = 'd-2'",
    );
    const again = await deliveries.claim('github', 'd-2');
    expect(again.state).toBe('process');
    expect(again.epoch.getTime()).toBeGreaterThan(first.epoch.getTime());
  });
});
