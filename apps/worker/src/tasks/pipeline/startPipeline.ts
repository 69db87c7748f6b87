import { z } from 'zod';
import type { JsonObject } from '@gantry/store';
import { TransientTaskError, defineTask } from '../Task';
import { readFields } from '../readFields';

const pipelineContext = z.object({
  // Spinnaker requires it; defaulting to the parent's application covers the common same-app case.
  application: z.string().min(1).optional(),
  pipeline: z.string().min(1),
  pipelineParameters: z.record(z.string(), z.unknown()).nullish(),
});

/** `pipeline` stage, step 1: starts the child execution, exactly once per stage attempt. */
export const startPipelineTask = defineTask({
  name: 'startPipeline',
  async run(ctx) {
    const fields = readFields(pipelineContext, ctx);
    const application = fields.application ?? ctx.execution.application;
    const { pipeline } = fields;
    const user = ctx.execution.trigger['user'];
    const trigger: JsonObject = {
      type: 'pipeline',
      parentExecutionId: ctx.execution.id,
      parentPipelineStageId: ctx.stage.id,
      parentPipelineApplication: ctx.execution.application,
      parentPipelineId: ctx.execution.pipelineId,
      parentPipelineName: ctx.execution.pipelineName,
      ...(typeof user === 'string' ? { user } : {}),
    };

    let executionId: string;
    try {
      // The key makes a re-run after a crash return the child that was already started.
      ({ executionId } = await ctx.services.startPipeline({
        application,
        pipeline,
        parameters: fields.pipelineParameters ?? {},
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
