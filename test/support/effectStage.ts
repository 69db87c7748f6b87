import { z } from 'zod';
import { getStageType, registerStageType } from '../../packages/core/src';
import type { TaskImplementation } from '../../apps/worker/src';

/**
 * A test-only stage type whose tasks each leave a side effect: a counter row keyed by
 * execution + task, written in the same transaction that records the task's result. A worker
 * killed at any instant must leave every counter at exactly 1.
 */
export const EFFECT_TABLE_SQL = `CREATE TABLE IF NOT EXISTS test_effects (
  key TEXT PRIMARY KEY, count INTEGER NOT NULL, worker INTEGER NOT NULL)`;

export function registerEffectStage(): void {
  if (getStageType('recordEffect')) return;
  registerStageType({
    type: 'recordEffect',
    fields: z.object({ effects: z.number().int().min(1).max(10), delayMs: z.number().int().min(0).max(1000).default(15) }).passthrough(),
    tasks: (fields: { effects: number }) => Array.from({ length: fields.effects }, () => 'recordEffect'),
  });
}

export const recordEffectTask: TaskImplementation = {
  name: 'recordEffect',
  async run(ctx) {
    // A little work, so that kills land while tasks are in flight as well as between them.
    const delayMs = typeof ctx.stage.context.delayMs === 'number' ? ctx.stage.context.delayMs : 15;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * delayMs));
    return {
      status: 'SUCCEEDED',
      effect: async (sql) => {
        await sql.query(
          `INSERT INTO test_effects (key, count, worker) VALUES ($1, 1, $2)
           ON CONFLICT (key) DO UPDATE SET count = test_effects.count + 1`,
          [`${ctx.execution.id}:${ctx.task.id}`, process.pid],
        );
      },
    };
  },
};
