import { pipelineFieldsSchema, triggerIdentity } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { TransientTaskError, defineTask } from '../Task';
import { readFields } from '../readFields';

/** `pipeline` stage, step 1: starts the child execution, exactly once per stage attempt. */
export const startPipelineTask = defineTask({
  name: 'startPipeline',
  async run(ctx) {
    const { application, pipeline, pipelineParameters } = readFields(pipelineFieldsSchema, ctx);
    const trigger: JsonObject = {
      type: 'pipeline',
      parentExecutionId: ctx.execution.id,
      parentPipelineStageId: ctx.stage.id,
      parentPipelineApplication: ctx.execution.application,
      parentPipelineId: ctx.execution.pipelineId,
      parentPipelineName: ctx.execution.pipelineName,
      // The child acts as its parent does: same principal, same roles, re-checked before its deploys too.
      ...(triggerIdentity(ctx.execution.trigger) as JsonObject),
    };

    let executionId: string;
    try {
      // The key makes a re-run after a crash return the child that was already started.
      ({ executionId } = await ctx.services.startPipeline({
        application,
        pipeline,
        parameters: pipelineParameters ?? {},
        trigger,
        idempotencyKey: `${ctx.execution.id}:${ctx.stage.id}:${ctx.stage.attempt}`,
        parentExecutionId: ctx.execution.id,
      }));
    } catch (error) {
      if (error instanceof TransientTaskError) throw error;
      return {
        status: 'TERMINAL',
        error: `could not start pipeline "${pipeline}" of application ${application}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    return { status: 'SUCCEEDED', outputs: { executionId }, state: { executionId } };
  },
});
