import { DEFAULT_FAILURE_POLICY, haltsExecutionNow, type ExpressionScope, type FailurePolicy } from '@gantry/core';
import { isWholeStage, wholeStages, type ExecutionRow, type SqlClient, type StageHead, type StageRow } from '@gantry/store';

/** The failure policy saved with the stage (defaults were applied when the pipeline was parsed). */
export function failurePolicyOf(stage: StageRow): FailurePolicy {
  const definition = stage.definition;
  return {
    failPipeline: typeof definition.failPipeline === 'boolean' ? definition.failPipeline : DEFAULT_FAILURE_POLICY.failPipeline,
    continuePipeline:
      typeof definition.continuePipeline === 'boolean' ? definition.continuePipeline : DEFAULT_FAILURE_POLICY.continuePipeline,
    completeOtherBranchesThenFail:
      typeof definition.completeOtherBranchesThenFail === 'boolean'
        ? definition.completeOtherBranchesThenFail
        : DEFAULT_FAILURE_POLICY.completeOtherBranchesThenFail,
  };
}

export function stageTimeoutMs(stage: StageRow): number | undefined {
  const value = stage.definition.stageTimeoutMs;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/**
 * What `${…}` expressions see when a stage starts: CEL reads `stages.<refId>.outputs` and
 * `.status`; SpEL also reads each stage's name, type and context (`#stage('Bake')`,
 * `execution.stages`) and, through `currentStage`, the starting stage's own fields and its
 * upstream outputs. CEL pipelines get only what CEL reads (their `stages.x` maps stay as they were,
 * and the sandbox thread is not sent every stage's context).
 */
export function expressionScope(execution: ExecutionRow, stages: readonly StageHead[], currentStage?: StageRow, now?: Date): ExpressionScope {
  const spel = execution.expression_language === 'spel';
  // SpEL's scope shows every stage's fields: a head here would show a stage without them.
  const whole = spel ? stages.filter(isWholeStage) : [];
  if (whole.length < (spel ? stages.length : 0)) throw new Error('a SpEL expression scope needs every stage whole (wholeStages)');
  return {
    trigger: execution.trigger,
    parameters: execution.parameters,
    execution: {
      id: execution.id,
      application: execution.application,
      name: execution.pipeline_name,
      pipelineId: execution.pipeline_id,
      status: execution.status,
      startTime: execution.start_time?.toISOString() ?? null,
    },
    stages: Object.fromEntries(
      spel
        ? whole.map((stage) => [
            stage.ref_id,
            {
              status: stage.status,
              outputs: stage.outputs,
              id: stage.id,
              name: stage.name,
              type: stage.type,
              // The fields as written until the stage starts, then as resolved.
              context: { ...stage.definition, ...stage.context },
              requisiteStageRefIds: stage.requisite_stage_ref_ids,
              startTime: stage.start_time?.toISOString() ?? null,
              endTime: stage.end_time?.toISOString() ?? null,
            },
          ])
        : stages.map((stage) => [stage.ref_id, { status: stage.status, outputs: stage.outputs }]),
    ),
    ...(spel && currentStage !== undefined ? { currentStage: currentStage.ref_id } : {}),
    ...(spel && now !== undefined ? { now: now.toISOString() } : {}),
  };
}

/** A stage failed the pipeline: nothing new may start, and the execution ends once nothing runs. */
export async function isHalted(sql: SqlClient, stages: readonly StageHead[]): Promise<boolean> {
  // Only a TERMINAL stage can halt it; its failure policy is in its definition.
  const failed = await wholeStages(sql, stages, (stage) => stage.status === 'TERMINAL');
  return failed.some((stage) => haltsExecutionNow(stage.status, failurePolicyOf(stage)));
}
