import { isComplete, letsDownstreamRun, type Status } from './status';

/**
 * The engine's decisions about a DAG of stages, free of I/O: the worker's handlers load rows,
 * ask these functions what follows, and write the answer.
 */
export interface ScheduledStage {
  refId: string;
  status: Status;
  requisiteStageRefIds: string[];
}

export interface FailurePolicy {
  failPipeline: boolean;
  continuePipeline: boolean;
  completeOtherBranchesThenFail: boolean;
}

export const DEFAULT_FAILURE_POLICY: FailurePolicy = {
  failPipeline: true,
  continuePipeline: false,
  completeOtherBranchesThenFail: false,
};

/** Whether every prerequisite of `stage` has finished in a way that lets it run. */
export function prerequisitesMet(stages: readonly ScheduledStage[], stage: ScheduledStage): boolean {
  return stage.requisiteStageRefIds.every((ref) => {
    const upstream = stages.find((candidate) => candidate.refId === ref);
    return upstream !== undefined && letsDownstreamRun(upstream.status);
  });
}

/** NOT_STARTED stages whose prerequisites let them run now. */
export function startableStages<S extends ScheduledStage>(stages: readonly S[]): S[] {
  return stages.filter((stage) => stage.status === 'NOT_STARTED' && prerequisitesMet(stages, stage));
}

/**
 * The status a stage ends in when one of its tasks ended in `outcome` (Spinnaker's "if stage
 * fails" options): halt the pipeline (TERMINAL), halt this branch (STOPPED), ignore the failure
 * (FAILED_CONTINUE), or halt this branch and fail once the others finish (TERMINAL, flagged).
 */
export function stageStatusAfter(
  outcome: 'SUCCEEDED' | 'TERMINAL' | 'FAILED_CONTINUE' | 'STOPPED' | 'CANCELED',
  policy: FailurePolicy,
): Status {
  if (outcome !== 'TERMINAL') return outcome;
  if (policy.completeOtherBranchesThenFail) return 'TERMINAL';
  if (!policy.failPipeline) return policy.continuePipeline ? 'FAILED_CONTINUE' : 'STOPPED';
  return 'TERMINAL';
}

/** A TERMINAL stage ends the whole execution at once unless it lets the other branches finish first. */
export function haltsExecutionNow(status: Status, policy: FailurePolicy): boolean {
  return status === 'TERMINAL' && !policy.completeOtherBranchesThenFail;
}

/** Nothing is running or paused and nothing more can start: the execution is over. */
export function isExecutionFinished(stages: readonly ScheduledStage[]): boolean {
  const active = stages.some((stage) => stage.status === 'RUNNING' || stage.status === 'PAUSED');
  return !active && startableStages(stages).length === 0;
}

/**
 * The execution's final status. A branch halted on purpose (STOPPED) does not fail the pipeline;
 * a TERMINAL stage does; an operator's cancel wins over both.
 */
export function finalExecutionStatus(stages: readonly ScheduledStage[], canceled: boolean): Status {
  if (canceled) return 'CANCELED';
  if (stages.some((stage) => stage.status === 'TERMINAL')) return 'TERMINAL';
  if (stages.some((stage) => stage.status === 'CANCELED')) return 'CANCELED';
  return 'SUCCEEDED';
}

/**
 * Stages to put back to NOT_STARTED when an operator restarts `refId`: the stage itself, every
 * stage downstream of it, and branches the failure canceled (they never got to finish).
 */
export function stagesToReset(stages: readonly ScheduledStage[], refId: string): string[] {
  const reset = new Set<string>([refId]);
  for (const stage of stages) if (stage.status === 'CANCELED') reset.add(stage.refId);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stage of stages) {
      if (!reset.has(stage.refId) && stage.requisiteStageRefIds.some((ref) => reset.has(ref))) {
        reset.add(stage.refId);
        grew = true;
      }
    }
  }
  return [...reset];
}

/** A stage that can be restarted has finished; restarting a running one would run its tasks twice. */
export function canRestart(status: Status): boolean {
  return isComplete(status);
}
