import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGantry, type TestGantry } from '../../../test/support/gantryHarness';
import { pruneExecutions } from './retention';

describe('retention: finished executions and audit events by age and count per pipeline', () => {
  let gantry: TestGantry;
  beforeAll(async () => {
    gantry = await startTestGantry();
  });
  afterAll(() => gantry?.stop());

  const quick = (name: string) => ({ application: 'kept', name, limitConcurrent: false, stages: [{ refId: 'v', type: 'evaluateVariables', variables: [] }] });
  const count = async (sql: string, params: unknown[]) => (await gantry.database.db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  it('keeps the newest N per pipeline, drops what ended before the age with its stages, tasks and audit events, never touches running ones', async () => {
    const a = await gantry.savePipeline(quick('a'));
    const b = await gantry.savePipeline(quick('b'));
    const waiting = await gantry.savePipeline({ application: 'kept', name: 'waiting', stages: [{ refId: 'w', type: 'wait', waitTime: 600 }] });
    const runsOfA: string[] = [];
    for (let i = 0; i < 4; i++) {
      runsOfA.push(await gantry.trigger(a));
      await gantry.waitFor(runsOfA[i]!);
    }
    const onlyOfB = await gantry.trigger(b);
    await gantry.waitFor(onlyOfB);
    const running = await gantry.trigger(waiting);
    await gantry.waitFor(running, (execution) => execution.status === 'RUNNING');
    // The running one is old, as if it had waited for weeks: age alone must not prune it.
    await gantry.database.db.pool.query(`UPDATE executions SET start_time = now() - interval '90 days' WHERE id = $1`, [running]);
    const pool = gantry.database.db.pool;

    // Count: a keeps its newest two, b its only one.
    expect(await pruneExecutions(pool, { maxAgeDays: 0, keepPerPipeline: 2 }, new Date())).toMatchObject({ executions: 2 });
    const left = await pool.query<{ id: string }>('SELECT id FROM executions WHERE pipeline_id = $1', [a]);
    expect(new Set(left.rows.map((row) => row.id))).toEqual(new Set(runsOfA.slice(2)));
    expect(await count('SELECT count(*)::int AS n FROM stages WHERE execution_id = ANY($1::uuid[])', [runsOfA.slice(0, 2)])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM audit_events WHERE execution_id = ANY($1::uuid[])', [runsOfA.slice(0, 2)])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM audit_events WHERE execution_id = $1', [runsOfA[3]])).toBeGreaterThan(0);

    // Age: b's execution ended 40 days ago, an audit event of a pipeline save too.
    await pool.query(`UPDATE executions SET end_time = now() - interval '40 days' WHERE id = $1`, [onlyOfB]);
    await pool.query(`UPDATE audit_events SET created_at = now() - interval '40 days' WHERE pipeline_id = $1 AND execution_id IS NULL`, [a]);
    const oldSaves = await count(`SELECT count(*)::int AS n FROM audit_events WHERE created_at < now() - interval '30 days'`, []);
    const pruned = await pruneExecutions(pool, { maxAgeDays: 30, keepPerPipeline: 0 }, new Date());
    expect(pruned.executions).toBe(1);
    expect(pruned.auditEvents).toBeGreaterThanOrEqual(oldSaves);
    expect(await count('SELECT count(*)::int AS n FROM executions WHERE id = $1', [onlyOfB])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE created_at < now() - interval '30 days'`, [])).toBe(0);
    // The running execution stays, and a second prune finds nothing more.
    expect(await count('SELECT count(*)::int AS n FROM executions WHERE id = $1', [running])).toBe(1);
    expect(await pruneExecutions(pool, { maxAgeDays: 30, keepPerPipeline: 2 }, new Date())).toEqual({ executions: 0, auditEvents: 0 });
  });

  it('does nothing with both rules off', async () => {
    expect(await pruneExecutions(gantry.database.db.pool, { maxAgeDays: 0, keepPerPipeline: 0 }, new Date())).toEqual({ executions: 0, auditEvents: 0 });
  });
});
