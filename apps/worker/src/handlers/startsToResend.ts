import type { EngineMessage } from '@gantry/queue';
import type { TriggerOutcome } from '@gantry/store';
import type pg from 'pg';

/**
 * A launch the idempotency key found already made (this message is a redelivery after a crash)
 * asks for no StartExecution: send it again while that execution has not started, as the lost
 * first delivery did. StartExecution starts it at most once.
 */
export async function startsToResend(pool: pg.Pool, outcomes: TriggerOutcome[]): Promise<EngineMessage[]> {
  const duplicates = outcomes.flatMap((outcome) => (outcome.outcome === 'duplicate' && outcome.executionId ? [outcome.executionId] : []));
  if (duplicates.length === 0) return [];
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM executions WHERE id = ANY($1::uuid[]) AND status = 'NOT_STARTED'`, [duplicates]);
  return rows.map((row): EngineMessage => ({ type: 'StartExecution', executionId: row.id }));
}
