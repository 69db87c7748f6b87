import { updateStage, type SqlClient, type StageRow } from '@gantry/store';

/** Marks every running or paused stage of the execution CANCELED, with their unfinished tasks. */
export async function cancelActiveStages(
  sql: SqlClient,
  executionId: string,
  stages: StageRow[],
  now: Date,
  reason: string,
): Promise<void> {
  for (const stage of stages) {
    if (stage.status !== 'RUNNING' && stage.status !== 'PAUSED') continue;
    await updateStage(sql, stage.id, { status: 'CANCELED', end_time: now, error: { message: reason } });
    stage.status = 'CANCELED';
  }
  await sql.query(
    `UPDATE tasks SET status = 'CANCELED', end_time = $2
     WHERE execution_id = $1 AND status IN ('RUNNING', 'PAUSED', 'NOT_STARTED')`,
    [executionId, now],
  );
}
