import type { ExecutionRow, StageRow, TaskRow } from './executionRows';
import type { ExecutionSummary, StageView, TaskView } from './types';

/** Rows → the shapes the API serves (camelCase, Spinnaker's field names). */
export function toExecutionSummary(row: ExecutionRow): ExecutionSummary {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    pipelineVersion: row.pipeline_version,
    application: row.application,
    name: row.pipeline_name,
    status: row.status,
    trigger: row.trigger,
    parameters: row.parameters,
    parentExecutionId: row.parent_execution_id,
    canceled: row.canceled,
    canceledBy: row.canceled_by,
    cancellationReason: row.cancellation_reason,
    pausedBy: row.paused_by,
    pauseTime: row.pause_time,
    buildTime: row.build_time,
    startTime: row.start_time,
    endTime: row.end_time,
  };
}

function toTaskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    attempt: row.attempt,
    index: row.index,
    retries: row.retries,
    onFailure: row.on_failure,
    error: row.error,
    startTime: row.start_time,
    endTime: row.end_time,
  };
}

export function toStageView(row: StageRow, tasks: TaskRow[]): StageView {
  return {
    id: row.id,
    refId: row.ref_id,
    type: row.type,
    name: row.name,
    status: row.status,
    requisiteStageRefIds: row.requisite_stage_ref_ids,
    context: row.context,
    outputs: row.outputs,
    attempt: row.attempt,
    error: row.error,
    startTime: row.start_time,
    endTime: row.end_time,
    tasks: tasks.filter((task) => task.stage_id === row.id && task.attempt === row.attempt).map(toTaskView),
  };
}

/** Rows → the shape the pure scheduling decisions of @gantry/core take. */
export function schedulable(stages: readonly Pick<StageRow, 'id' | 'ref_id' | 'status' | 'requisite_stage_ref_ids'>[]) {
  return stages.map((stage) => ({
    id: stage.id,
    refId: stage.ref_id,
    status: stage.status,
    requisiteStageRefIds: stage.requisite_stage_ref_ids,
  }));
}
