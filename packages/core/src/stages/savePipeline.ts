import { z } from 'zod';
import { isPlainObject } from '../celValues';
import { allowingExpressions } from './fields';
import { defineStageType } from './StageType';

const savePipelineShape = {
  /**
   * The pipeline to save: base64 of its JSON, as Gate and Deck send it (orca's SavePipelineTask
   * decodes `/pipeline`), or the JSON object itself, which orca also takes.
   */
  pipeline: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  /**
   * front50's check that the stored pipeline did not change since it was read, by its `updateTs`:
   * Gantry's pipelines have versions, not update stamps, so only `false` (Deck's default) is read.
   */
  staleCheck: z.literal(false, { error: 'staleCheck: true is not supported (front50 compares updateTs; Gantry versions pipelines instead)' }).optional(),
  /** Orca's bulk save of `pipelines`: not supported; save each in its own stage. */
  isBulkSavingPipelines: z.literal(false, { error: 'bulk saving (isBulkSavingPipelines) is not supported: one savePipeline stage per pipeline' }).optional(),
};

export const savePipelineFieldsSchema = z.looseObject(savePipelineShape);
export type SavePipelineFields = z.output<typeof savePipelineFieldsSchema>;

/**
 * `savePipeline` (orca's SavePipelineStage): saves the pipeline its `pipeline` holds, as the
 * execution's principal, through the same checks as a save through the API (WRITE on its
 * application, the service accounts its triggers name, the pipeline's lock, the deploy policy's
 * save rules). An existing pipeline (by id, else by application and name) gets a new version.
 */
export const savePipelineStage = defineStageType({
  type: 'savePipeline',
  fields: z.looseObject(allowingExpressions(savePipelineShape)),
  tasks: () => ['savePipeline'],
});

/** The pipeline document a savePipeline stage carries, decoded; a reason naming `pipeline` when it is not one. */
export function pipelineToSave(value: SavePipelineFields['pipeline']): { ok: true; document: Record<string, unknown> } | { ok: false; reason: string } {
  if (typeof value !== 'string') return { ok: true, document: value };
  const text = Buffer.from(value, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'pipeline: not the base64 of a JSON document' };
  }
  return isPlainObject(parsed) ? { ok: true, document: parsed } : { ok: false, reason: 'pipeline: the decoded JSON is not an object (a pipeline)' };
}
