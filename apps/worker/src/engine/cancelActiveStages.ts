import { onCancel } from '@gantry/core';
import { insertAudit, insertTasks, selectTasks, updateStage, wholeStages, type ExecutionRow, type SqlClient, type StageHead, type StageRow } from '@gantry/store';
import type { OutgoingMessage } from '@gantry/queue';
import { runTaskMessage } from '../handlers/taskMessages';
import { observeStageEnd } from './metrics';

/**
 * Stops every running or paused stage of the execution (a cancel, or a stage that failed the
 * pipeline). A stage whose type undoes what it leaves half done (`cancelTasks`, Orca's
 * CancellableStage) has its unfinished tasks canceled and its cleanup tasks inserted in this same
 * transaction, as on-failure tasks: they run through the queue like any task (durable, resumed
 * after a crash, re-driven by the reconciler), and the stage ends CANCELED, through CompleteStage,
 * once they are done. Returns the messages that run them. `cleanUp` false (the execution no longer
 * runs tasks) ends every stage at once. A stage that ends here, not in CompleteStage, is observed
 * here: its span and its duration.
 */
export async function cancelActiveStages(
  sql: SqlClient,
  execution: Pick<ExecutionRow, 'id' | 'application' | 'pipeline_id'>,
  stages: StageHead[],
  now: Date,
  reason: string,
  cleanUp = true,
): Promise<OutgoingMessage[]> {
  const messages: OutgoingMessage[] = [];
  for (const stage of await wholeStages(sql, stages, (s) => s.status === 'RUNNING' || s.status === 'PAUSED')) {
    const tasks = await selectTasks(sql, stage);
    const decision = cleanUp ? onCancel(stage, tasks.map((task) => ({ status: task.status, onFailure: task.on_failure }))) : { kind: 'cancel' as const };
    if (decision.kind === 'cancel') {
      await updateStage(sql, stage.id, { status: 'CANCELED', end_time: now, error: { message: reason } });
      observeStageEnd(stage, execution, 'CANCELED', now);
      stage.status = 'CANCELED';
      await cancelUnfinishedTasks(sql, stage, now, reason, { planned: true, onFailure: true });
      continue;
    }
    if (stage.status === 'PAUSED') {
      await updateStage(sql, stage.id, { status: 'RUNNING' });
      stage.status = 'RUNNING';
    }
    if (decision.kind === 'keepCleaningUp') {
      await cancelUnfinishedTasks(sql, stage, now, reason, { planned: true, onFailure: false });
      await sql.query(`UPDATE tasks SET status = 'RUNNING' WHERE stage_id = $1 AND attempt = $2 AND status = 'PAUSED'`, [stage.id, stage.attempt]);
      const running = tasks.find((task) => task.on_failure && (task.status === 'RUNNING' || task.status === 'PAUSED'));
      // None running: its cleanup had finished and only the stage's completion was still to come.
      messages.push(running ? runTaskMessage(running) : { message: { type: 'CompleteStage', executionId: execution.id, stageId: stage.id } });
      continue;
    }
    await cancelUnfinishedTasks(sql, stage, now, reason, { planned: true, onFailure: false });
    const [first] = await insertTasks(sql, stage, decision.tasks, now, { onFailure: true, after: tasks.length });
    await insertAudit(sql, { type: 'CANCEL_TASKS_STARTED', executionId: execution.id, stageId: stage.id, data: { refId: stage.ref_id, tasks: decision.tasks, reason } });
    if (first) messages.push(runTaskMessage(first));
  }
  // What finished stages left unstarted (an on-failure task after one that failed) will never run.
  await sql.query(
    `UPDATE tasks SET status = 'CANCELED', end_time = $2
     WHERE execution_id = $1 AND status IN ('RUNNING', 'PAUSED', 'NOT_STARTED')
       AND stage_id IN (SELECT id FROM stages WHERE execution_id = $1 AND status NOT IN ('RUNNING', 'PAUSED'))`,
    [execution.id, now],
  );
  return messages;
}

/** The stage's own tasks that had not finished end CANCELED, with the reason (the stage's error names it). */
async function cancelUnfinishedTasks(
  sql: SqlClient,
  stage: StageRow,
  now: Date,
  reason: string,
  which: { planned: boolean; onFailure: boolean },
): Promise<void> {
  const kinds = [...(which.planned ? [false] : []), ...(which.onFailure ? [true] : [])];
  await sql.query(
    `UPDATE tasks SET status = 'CANCELED', end_time = $3, error = $4
     WHERE stage_id = $1 AND attempt = $2 AND on_failure = ANY($5::boolean[]) AND status IN ('RUNNING', 'PAUSED', 'NOT_STARTED')`,
    [stage.id, stage.attempt, now, JSON.stringify({ message: reason }), kinds],
  );
}
