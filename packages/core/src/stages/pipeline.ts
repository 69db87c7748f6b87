import { z } from 'zod';
import { exprOr } from './fields';
import { defineStageType } from './StageType';

/**
 * `pipeline`: start another pipeline (by id or name within `application`) with
 * `pipelineParameters`, and by default wait for it to finish.
 */
export const pipelineStage = defineStageType({
  type: 'pipeline',
  fields: z.looseObject({
    application: exprOr(z.string().regex(/^[a-z][a-z0-9]*$/, { message: 'expected an application name ([a-z][a-z0-9]*)' })),
    pipeline: exprOr(z.string().min(1)),
    pipelineParameters: exprOr(z.record(z.string(), z.unknown())).optional(),
    waitForCompletion: exprOr(z.boolean()).default(true),
  }),
  tasks: (fields) => (fields.waitForCompletion === false ? ['startPipeline'] : ['startPipeline', 'monitorPipeline']),
});
