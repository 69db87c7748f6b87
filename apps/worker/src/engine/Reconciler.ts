import type { EngineMessage, MessageBus } from '@gantry/queue';
import type pg from 'pg';
import type { EngineLogger } from './EngineContext';

/**
 * The one place a message can be lost is between an API command committing and its message being
 * sent (the API process dies, or the queue is briefly down). Handlers re-send what follows when a
 * message is redelivered, so the sweep only has to nudge executions that went quiet: it sends the
 * message that would have moved each one on. Duplicates are harmless: every handler is idempotent.
 */
export async function findStalledWork(pool: pg.Pool, quietForMs: number): Promise<EngineMessage[]> {
  const cutoff = new Date(Date.now() - quietForMs);
  const messages: EngineMessage[] = [];
  const notStarted = await pool.query<{ id: string }>(
    `SELECT e.id FROM executions e
     WHERE e.status = 'NOT_STARTED' AND e.build_time < $1
       AND NOT (e.limit_concurrent AND EXISTS (
         SELECT 1 FROM executions o WHERE o.pipeline_id = e.pipeline_id AND o.status IN ('RUNNING', 'PAUSED')))
     LIMIT 500`,
    [cutoff],
  );
  for (const row of notStarted.rows) messages.push({ type: 'StartExecution', executionId: row.id });

  // Running, but nothing in flight: a StartStage, RestartStage or CompleteExecution went missing.
  const idle = await pool.query<{ id: string }>(
    `SELECT e.id FROM executions e
     WHERE e.status = 'RUNNING' AND COALESCE(e.start_time, e.build_time) < $1
       AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.execution_id = e.id AND s.status IN ('RUNNING', 'PAUSED'))
       AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.execution_id = e.id AND s.end_time >= $1)
     LIMIT 500`,
    [cutoff],
  );
  for (const row of idle.rows) messages.push({ type: 'StartExecution', executionId: row.id });

  const paused = await pool.query<{ execution_id: string; id: string }>(
    `SELECT s.execution_id, s.id FROM stages s JOIN executions e ON e.id = s.execution_id
     WHERE e.status = 'RUNNING' AND s.status = 'PAUSED' LIMIT 500`,
  );
  for (const row of paused.rows) messages.push({ type: 'ResumeStage', executionId: row.execution_id, stageId: row.id });

  const canceled = await pool.query<{ id: string }>(
    `SELECT DISTINCT e.id FROM executions e JOIN stages s ON s.execution_id = e.id
     WHERE e.canceled AND e.end_time < $1 AND s.status IN ('RUNNING', 'PAUSED') LIMIT 500`,
    [cutoff],
  );
  for (const row of canceled.rows) messages.push({ type: 'CancelExecution', executionId: row.id });
  return messages;
}

/** Runs the sweep now and then every `intervalMs`, until stopped. */
export function startReconciler(deps: { pool: pg.Pool; bus: MessageBus; log: EngineLogger; intervalMs: number }): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const messages = await findStalledWork(deps.pool, deps.intervalMs);
      if (messages.length > 0) {
        deps.log.warn({ count: messages.length }, 'nudging executions that went quiet');
        await deps.bus.sendAll(messages.map((message) => ({ message })));
      }
    } catch (error) {
      deps.log.error({ err: error }, 'reconciliation sweep failed');
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), deps.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
