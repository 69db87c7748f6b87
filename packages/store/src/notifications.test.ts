import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { claimDueNotification, enqueueNotifications, markNotificationFailed, markNotificationSent } from './notifications';

describe('notification claims: claimed in a committed statement, marked after, effectively once', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("keeps other senders off a claimed row until its lease runs out, then hands it out as uncertain; a stale claim's mark is refused", async () => {
    const pool = database.db.pool;
    await enqueueNotifications(pool, [{ key: 'k-1', target: { type: 'webhook', address: 'https://hooks.example.com/x' }, event: 'pipeline.complete', message: { subject: 's', text: 't' } }]);
    const t0 = new Date(Date.now() + 1000);
    const first = await claimDueNotification(pool, t0, 10_000);
    expect(first).toMatchObject({ key: 'k-1', claim: 1, uncertain: false });
    // The first sender died with it: nobody takes it while the lease runs.
    expect(await claimDueNotification(pool, new Date(t0.getTime() + 9_999), 10_000)).toBeUndefined();
    const second = await claimDueNotification(pool, new Date(t0.getTime() + 10_000), 10_000);
    expect(second).toMatchObject({ key: 'k-1', claim: 2, uncertain: true, first_claimed_at: t0 });
    // The first claim is no longer the row's: a late mark of it changes nothing.
    expect(await markNotificationSent(pool, first!, new Date())).toBe(false);
    expect(await markNotificationFailed(pool, second!, 'HTTP 503', new Date(t0.getTime() + 20_000))).toBe(true);
    // A later claim stays uncertain: the vanished claim may have reached the receiver.
    const third = await claimDueNotification(pool, new Date(t0.getTime() + 20_000), 10_000);
    expect(third).toMatchObject({ claim: 3, uncertain: true, attempts: 1 });
    expect(await markNotificationSent(pool, third!, new Date(), 'C1:1.0001')).toBe(true);
    expect(await claimDueNotification(pool, new Date(t0.getTime() + 60_000), 10_000)).toBeUndefined();
    const { rows } = await pool.query(`SELECT status, claims, attempts, claimed_until, remote_ref FROM notification_deliveries WHERE key = 'k-1'`);
    expect(rows).toEqual([{ status: 'SENT', claims: 3, attempts: 2, claimed_until: null, remote_ref: 'C1:1.0001' }]);
  });
});
