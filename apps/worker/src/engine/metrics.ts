import { Counter, Histogram } from 'prom-client';
import { ATTR, recordStageSpan } from '@gantry/telemetry';

/**
 * In prom-client's default registry, which the API serves at /metrics (same process with `npm
 * start`) and each worker on GANTRY_METRICS_PORT. Every label is a closed set (message types,
 * statuses, stage types) or bounded by configuration (applications, pipeline names): never an id.
 * `test/lint/metricLabels.test.ts` refuses any other label name. A step whose commit fails after it
 * counted is counted again when its message is retried: the counts are exact except around a
 * database failure mid-commit.
 */
export const engineMessages = new Counter({
  name: 'gantry_engine_messages_total',
  help: 'Engine messages handled, by message type and outcome',
  labelNames: ['type', 'outcome'] as const,
});

export const engineMessageSeconds = new Histogram({
  name: 'gantry_engine_message_duration_seconds',
  help: 'Time to handle one engine message (transaction and follow-up sends), by message type',
  labelNames: ['type'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

export const executionsStarted = new Counter({
  name: 'gantry_executions_started_total',
  help: 'Executions that started running, by application and pipeline name',
  labelNames: ['application', 'pipeline'] as const,
});

export const executionsFinished = new Counter({
  name: 'gantry_executions_finished_total',
  help: 'Executions that ended, by application, pipeline name and final status',
  labelNames: ['application', 'pipeline', 'status'] as const,
});

/** Stages run from seconds (a webhook) to days (a judgment, a long canary). */
const STAGE_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

export const stageSeconds = new Histogram({
  name: 'gantry_stage_duration_seconds',
  help: 'Time from a stage starting to its end, by stage type and final status',
  labelNames: ['type', 'status'] as const,
  buckets: STAGE_BUCKETS,
});

export const judgmentWaitSeconds = new Histogram({
  name: 'gantry_judgment_wait_seconds',
  help: 'Time a manual judgment waited for its answer, by application',
  labelNames: ['application'] as const,
  buckets: STAGE_BUCKETS,
});

export const rollbackSeconds = new Histogram({
  name: 'gantry_rollback_duration_seconds',
  help: 'Time a rollback took: a rollback stage from start to end, or a canary from its decision to roll back until production served all traffic again',
  labelNames: ['kind'] as const,
  buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800],
});

export const canaryVerdicts = new Counter({
  name: 'gantry_canary_verdicts_total',
  help: 'Canary steps judged, by verdict (pass, marginal, fail)',
  labelNames: ['result'] as const,
});

/**
 * What a stage's end tells the metrics (its duration by type, a judgment's wait, a rollback's
 * length) and the trace (the stage's span, which the spans of its messages already hang under).
 */
export function observeStageEnd(
  stage: { id: string; ref_id: string; type: string; start_time: Date | null },
  execution: { id: string; application: string; pipeline_id: string },
  status: string,
  now: Date,
): void {
  if (stage.start_time === null) return;
  const { application } = execution;
  recordStageSpan({
    id: stage.id,
    refId: stage.ref_id,
    type: stage.type,
    status,
    startTime: stage.start_time,
    endTime: now,
    attributes: { [ATTR.executionId]: execution.id, [ATTR.application]: application, [ATTR.pipelineId]: execution.pipeline_id },
  });
  const seconds = Math.max(0, (now.getTime() - stage.start_time.getTime()) / 1000);
  stageSeconds.observe({ type: stage.type, status }, seconds);
  if (stage.type === 'manualJudgment') judgmentWaitSeconds.observe({ application }, seconds);
  if (stage.type.startsWith('rollback')) rollbackSeconds.observe({ kind: 'stage' }, seconds);
}
