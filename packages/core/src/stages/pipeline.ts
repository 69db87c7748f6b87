import { z } from 'zod';
import { allowingExpressions } from './fields';
import { APPLICATION_NAME, APPLICATION_NAME_RULE } from '../naming';
import { defineStageType } from './StageType';

const pipelineShape = {
  application: z.string().regex(APPLICATION_NAME, { message: `expected an application name (${APPLICATION_NAME_RULE})` }),
  pipeline: z.string().min(1),
  pipelineParameters: z.record(z.string(), z.unknown()).optional(),
  waitForCompletion: z.boolean().default(true),
};

/** The pipeline stage's fields, as its tasks read them once expressions are resolved. */
export const pipelineFieldsSchema = z.looseObject(pipelineShape);

/**
 * `pipeline`: start another pipeline (by id or name within `application`) with
 * `pipelineParameters`, and by default wait for it to finish.
 */
export const pipelineStage = defineStageType({
  type: 'pipeline',
  fields: z.looseObject(allowingExpressions(pipelineShape)),
  tasks: (fields) => (fields.waitForCompletion === false ? ['startPipeline'] : ['startPipeline', 'monitorPipeline']),
});
