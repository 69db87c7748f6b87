import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus, OutgoingMessage } from '@gantry/queue';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { waitUntil } from '../../../../test/support/eventually';
import { silentLog } from '../../../../test/support/gantryHarness';
import { startReconciler } from './Reconciler';

/**
 * A message the reconciler re-creates is sent from no execution's context: it must carry the
 * trace the execution recorded at its launch, so the execution stays one trace (issue 22).
 */
describe("the reconciler re-drives quiet work in its execution's trace", () => {
  let database: TestDatabase;
  const traced = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
  const ids: Record<'traced' | 'untraced', string> = { traced: '', untraced: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = database.db.pool;
    const pipeline = await pool.query<{ id: string }>(
      `INSERT INTO pipelines (id, application, name, version, created_at, updated_at) VALUES (gen_random_uuid(), 'shop', 'p', 1, now(), now()) RETURNING id`,
    );
    // Launched a minute ago, their StartExecution lost: one launched by a traced process, one not.
    for (const [key, trace] of [['traced', JSON.stringify(traced)], ['untraced', null]] as const) {
      const execution = await pool.query<{ id: string }>(
        `INSERT INTO executions (id, pipeline_id, pipeline_version, application, pipeline_name, status, trigger, parameters, build_time, trace)
         VALUES (gen_random_uuid(), $1, 1, 'shop', 'p', 'NOT_STARTED', '{}', '{}', now() - interval '1 minute', $2) RETURNING id`,
        [pipeline.rows[0]?.id, trace],
      );
      ids[key] = execution.rows[0]!.id;
    }
  });
  afterAll(() => database?.drop());

  it("sends each StartExecution with its execution's recorded trace, and none for an execution launched untraced", async () => {
    const sent: OutgoingMessage[] = [];
    // The queue as the reconciler sees it: empty (everything was lost), recording what is sent again.
    const bus: MessageBus = {
      send: async (message) => void sent.push({ message }),
      sendAll: async (messages) => void sent.push(...messages),
      inFlight: async () => [],
      close: async () => undefined,
    };
    const stop = startReconciler({ pool: database.db.pool, bus, log: silentLog, intervalMs: 50 });
    try {
      await waitUntil(async () => sent.length >= 2, 10_000);
    } finally {
      stop();
    }
    const byExecution = new Map(sent.map((outgoing) => ['executionId' in outgoing.message ? outgoing.message.executionId : '', outgoing]));
    expect(byExecution.get(ids.traced)).toEqual({ message: { type: 'StartExecution', executionId: ids.traced }, trace: traced });
    expect(byExecution.get(ids.untraced)).toEqual({ message: { type: 'StartExecution', executionId: ids.untraced } });
  });
});
