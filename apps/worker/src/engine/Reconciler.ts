import type { EngineMessage, MessageBus } from '@gantry/queue';
import { pendingOutboxMessages, selectExecutionTraces } from '@gantry/store';
import type pg from 'pg';
import type { EngineLogger } from './EngineContext';

/**
 * Orca's "zombie check" and "hydrate the queue", run continuously: an execution, stage or task that
 * PostgreSQL says is RUNNING but that has no message in flight (in the outbox or in the queue) went
 * quiet because its message was lost — the API died after its commit, or the queue lost what it held
 * (a Redis restart without persistence). For each, the message that moves it on is sent again.
 * Every handler is idempotent, so a duplicate (a message that was in flight after all) is harmless.
 */
export interface StalledWork {
  message: EngineMessage;
  /** For a task: its poll count when found; a step that ran meanwhile proves the task alive. */
  polls?: number;
}

/** What looks stalled from the database alone: quiet for longer than `quietForMs`. */
async function findStalledWork(pool: pg.Pool, quietForMs: number): Promise<StalledWork[]> {
  const cutoff = new Date(Date.now() - quietForMs);
  const [notStarted, idle, paused, canceled, tasks, settled] = await Promise.all([
    pool.query<{ id: string }>(
      `SELECT e.id FROM executions e
       WHERE e.status = 'NOT_STARTED' AND e.build_time < $1
         AND NOT (e.limit_concurrent AND EXISTS (
           SELECT 1 FROM executions o WHERE o.pipeline_id = e.pipeline_id AND o.status IN ('RUNNING', 'PAUSED')))
       LIMIT 500`,
      [cutoff],
    ),
    // Running, but no stage is: a StartStage, RestartStage or CompleteExecution went missing.
    pool.query<{ id: string }>(
      `SELECT e.id FROM executions e
       WHERE e.status = 'RUNNING' AND COALESCE(e.start_time, e.build_time) < $1
         AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.execution_id = e.id AND s.status IN ('RUNNING', 'PAUSED'))
         AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.execution_id = e.id AND s.end_time >= $1)
       LIMIT 500`,
      [cutoff],
    ),
    pool.query<{ execution_id: string; id: string }>(
      `SELECT s.execution_id, s.id FROM stages s JOIN executions e ON e.id = s.execution_id
       WHERE e.status = 'RUNNING' AND s.status = 'PAUSED' AND NOT e.canceled LIMIT 500`,
    ),
    // Canceled, but a stage is active and not cleaning up: the CancelExecution went missing. (Once it
    // is handled, an active stage of a canceled execution is RUNNING with only cleanup tasks left to
    // run, and they are re-driven like any task.)
    pool.query<{ id: string }>(
      `SELECT DISTINCT e.id FROM executions e JOIN stages s ON s.execution_id = e.id
       WHERE e.canceled AND s.status IN ('RUNNING', 'PAUSED')
         AND EXISTS (SELECT 1 FROM audit_events a WHERE a.execution_id = e.id AND a.type = 'EXECUTION_CANCELED' AND a.created_at < $1)
         AND (e.status <> 'RUNNING' OR s.status = 'PAUSED'
              OR EXISTS (SELECT 1 FROM tasks t WHERE t.stage_id = s.id AND t.attempt = s.attempt AND NOT t.on_failure
                         AND t.status IN ('RUNNING', 'PAUSED', 'NOT_STARTED')))
       LIMIT 500`,
      [cutoff],
    ),
    // A running task whose next step is overdue: its RunTask (a poll, a retry's backoff) went missing.
    pool.query<{ execution_id: string; stage_id: string; id: string; polls: number }>(
      `SELECT t.execution_id, t.stage_id, t.id, t.polls FROM tasks t
       JOIN stages s ON s.id = t.stage_id AND s.attempt = t.attempt
       JOIN executions e ON e.id = t.execution_id
       WHERE t.status = 'RUNNING' AND s.status = 'RUNNING' AND e.status = 'RUNNING' AND (t.on_failure OR NOT e.canceled)
         AND COALESCE(t.next_step_at, t.start_time, s.start_time) < $1
       LIMIT 500`,
      [cutoff],
    ),
    // A running stage with no task running: the message completing its last task or itself went missing.
    pool.query<{ execution_id: string; stage_id: string; task_id: string | null }>(
      `SELECT s.execution_id, s.id AS stage_id,
         (SELECT t.id FROM tasks t WHERE t.stage_id = s.id AND t.attempt = s.attempt AND t.end_time IS NOT NULL
          ORDER BY t.index DESC LIMIT 1) AS task_id
       FROM stages s JOIN executions e ON e.id = s.execution_id
       WHERE s.status = 'RUNNING' AND e.status = 'RUNNING' AND s.start_time < $1
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.stage_id = s.id AND t.attempt = s.attempt
                         AND (t.status IN ('RUNNING', 'PAUSED') OR t.end_time >= $1))
       LIMIT 500`,
      [cutoff],
    ),
  ]);
  const work: StalledWork[] = [];
  const add = (message: EngineMessage, polls?: number) => work.push(polls === undefined ? { message } : { message, polls });
  for (const row of notStarted.rows) add({ type: 'StartExecution', executionId: row.id });
  for (const row of idle.rows) add({ type: 'StartExecution', executionId: row.id });
  for (const row of paused.rows) add({ type: 'ResumeStage', executionId: row.execution_id, stageId: row.id });
  for (const row of canceled.rows) add({ type: 'CancelExecution', executionId: row.id });
  for (const row of tasks.rows) add({ type: 'RunTask', executionId: row.execution_id, stageId: row.stage_id, taskId: row.id }, row.polls);
  for (const row of settled.rows) {
    const { execution_id: executionId, stage_id: stageId, task_id: taskId } = row;
    add(taskId === null ? { type: 'CompleteStage', executionId, stageId } : { type: 'CompleteTask', executionId, stageId, taskId });
  }
  return work;
}

/** How many queued messages the in-flight check reads at most; beyond that the queue is busy, not lossy. */
const IN_FLIGHT_LIMIT = 20_000;

/**
 * Keeps the stalled work that has no message in flight: none waiting in the outbox, none in the
 * queue for the same stage (or, for an execution-wide message, for the same execution), and for a
 * task, no step taken since it was found.
 */
async function withoutMessagesInFlight(pool: pg.Pool, bus: MessageBus, stalled: StalledWork[]): Promise<StalledWork[]> {
  if (stalled.length === 0) return [];
  // The outbox first: a row deleted after this read was in the queue before it, so the queue read sees it.
  const outbox = (await pendingOutboxMessages(pool, IN_FLIGHT_LIMIT)) as unknown as EngineMessage[];
  const queued = await bus.inFlight(IN_FLIGHT_LIMIT);
  if (queued.length >= IN_FLIGHT_LIMIT) return [];
  const stages = new Set<string>();
  const executions = new Set<string>();
  const cancels = new Set<string>();
  for (const message of [...outbox, ...queued]) {
    if ('stageId' in message) stages.add(message.stageId);
    if ('executionId' in message) executions.add(message.executionId);
    if (message.type === 'CancelExecution') cancels.add(message.executionId);
  }
  const quiet = stalled.filter(({ message }) => {
    if ('stageId' in message) return !stages.has(message.stageId);
    // A canceled execution's stage polls on (a delayed RunTask is queued) until the cancel is handled: only a cancel in flight counts.
    if (message.type === 'CancelExecution') return !cancels.has(message.executionId);
    return !('executionId' in message) || !executions.has(message.executionId);
  });
  const tasks = quiet.flatMap(({ message, polls }) => (message.type === 'RunTask' && polls !== undefined ? [{ id: message.taskId, polls }] : []));
  if (tasks.length === 0) return quiet;
  const { rows } = await pool.query<{ id: string }>(
    `SELECT t.id FROM tasks t JOIN unnest($1::uuid[], $2::int[]) AS seen(id, polls) ON seen.id = t.id
     WHERE t.polls = seen.polls AND t.status = 'RUNNING'`,
    [tasks.map((t) => t.id), tasks.map((t) => t.polls)],
  );
  const unchanged = new Set(rows.map((row) => row.id));
  return quiet.filter(({ message }) => message.type !== 'RunTask' || unchanged.has(message.taskId));
}

/** Runs the sweep now and then every `intervalMs`, until stopped. */
export function startReconciler(deps: { pool: pg.Pool; bus: MessageBus; log: EngineLogger; intervalMs: number }): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const stalled = await withoutMessagesInFlight(deps.pool, deps.bus, await findStalledWork(deps.pool, deps.intervalMs));
      if (stalled.length > 0) {
        deps.log.warn(
          { count: stalled.length, types: [...new Set(stalled.map(({ message }) => message.type))] },
          're-driving work that has no message in flight',
        );
        // Sent from no execution's context: each message joins its execution's trace, recorded at launch.
        const traces = await selectExecutionTraces(deps.pool, [...new Set(stalled.flatMap(({ message }) => ('executionId' in message ? [message.executionId] : [])))]);
        await deps.bus.sendAll(
          stalled.map(({ message }) => {
            const trace = 'executionId' in message ? traces.get(message.executionId) : undefined;
            return trace === undefined ? { message } : { message, trace };
          }),
        );
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
