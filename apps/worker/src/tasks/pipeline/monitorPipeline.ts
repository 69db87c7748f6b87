import { TransientTaskError, defineTask } from '../Task';

export const PIPELINE_POLL_MS = 2_000;

const FAILED_STATUSES = new Set(['TERMINAL', 'CANCELED', 'STOPPED']);

/** `pipeline` stage, step 2 (when waitForCompletion): follows the child execution to its end. */
export const monitorPipelineTask = defineTask({
  name: 'monitorPipeline',
  async run(ctx) {
    // startPipeline's own state is private to it, so the child's id comes from the stage outputs.
    const executionId = ctx.stage.outputs['executionId'];
    if (typeof executionId !== 'string' || executionId === '') {
      return { status: 'TERMINAL', error: 'no child execution id recorded by startPipeline (executionId output missing)' };
    }

    let outcome: Awaited<ReturnType<typeof ctx.services.getExecutionOutcome>>;
    try {
      outcome = await ctx.services.getExecutionOutcome(executionId);
    } catch (error) {
      throw new TransientTaskError(`could not read child execution ${executionId}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (outcome === null) return { status: 'TERMINAL', error: `child execution ${executionId} not found` };

    if (outcome.status === 'SUCCEEDED') {
      return { status: 'SUCCEEDED', outputs: { status: outcome.status, outputs: outcome.outputs } };
    }
    if (FAILED_STATUSES.has(outcome.status)) {
      return {
        status: 'TERMINAL',
        error: `child execution ${executionId} ended ${outcome.status}`,
        outputs: { status: outcome.status, outputs: outcome.outputs },
      };
    }
    if (outcome.status === 'FAILED_CONTINUE') {
      // The child failed but was told to carry on: mirror that, so the parent may carry on too.
      return {
        status: 'FAILED_CONTINUE',
        error: `child execution ${executionId} ended FAILED_CONTINUE`,
        outputs: { status: outcome.status, outputs: outcome.outputs },
      };
    }
    // NOT_STARTED (queued behind limitConcurrent), RUNNING, PAUSED: the child is still going.
    return { status: 'RUNNING', retryAfterMs: PIPELINE_POLL_MS };
  },
});
