import { z } from 'zod';
import { allowExpressions } from '../allowExpressions';
import { checkAccount, nonEmptyText } from '../fields';
import { defineStageType } from '../StageType';
import { manifestAccountShape, stableTimeoutShape } from './fields';

const manifestObject = z.record(z.string(), z.unknown(), { error: 'manifest must be an object (a Kubernetes Job)' });

/**
 * `runJobManifest`'s fields, in Spinnaker's names (orca's RunJobStage with the Kubernetes job
 * runner): the Job in `manifest` (older pipelines: a one-element `manifests`), `source: text`,
 * the container whose logs hold the output properties in `propertyFile` (with
 * `consumeArtifactSource: propertyFile`, as Deck writes it), `alias: runJob` and `application`
 * carried as written.
 */
export const runJobManifestShape = {
  ...manifestAccountShape,
  ...stableTimeoutShape,
  source: z.enum(['text', 'artifact'], { error: 'source is text (manifest)' }).default('text'),
  manifest: manifestObject.optional(),
  manifests: z.array(manifestObject).optional(),
  namespace: z.string().optional(),
  application: z.string().optional(),
  alias: z.string().optional(),
  propertyFile: nonEmptyText.optional(),
  consumeArtifactSource: z.enum(['none', 'propertyFile', 'artifact'], { error: 'consumeArtifactSource is none, propertyFile or artifact' }).optional(),
};

interface RunJobSource {
  account?: string;
  credentials?: string;
  source: 'text' | 'artifact';
  manifest?: unknown;
  manifests?: unknown[];
  consumeArtifactSource?: 'none' | 'propertyFile' | 'artifact';
  propertyFile?: string;
}

function checkRunJob(fields: RunJobSource, ctx: z.RefinementCtx): void {
  checkAccount(fields, ctx);
  if (fields.source === 'artifact') {
    ctx.addIssue({ code: 'custom', path: ['source'], message: 'a Job from an artifact (source artifact) is not supported yet: write it in manifest (source text)' });
  } else if (fields.manifest === undefined && fields.manifests?.length !== 1) {
    ctx.addIssue({ code: 'custom', path: ['manifest'], message: 'manifest (one Job) is required with source text' });
  }
  if (fields.consumeArtifactSource === 'artifact') {
    ctx.addIssue({ code: 'custom', path: ['consumeArtifactSource'], message: 'reading output properties from an artifact is not supported yet: use propertyFile (a container of the Job)' });
  }
  if (fields.consumeArtifactSource === 'propertyFile' && fields.propertyFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['propertyFile'], message: 'propertyFile (the container whose logs hold the properties) is required with consumeArtifactSource propertyFile' });
  }
}

export const runJobManifestFieldsSchema = z.looseObject(runJobManifestShape).superRefine(checkRunJob);
export type RunJobManifestFields = z.output<typeof runJobManifestFieldsSchema>;

/** The Job the stage runs: `manifest`, or the only element of an older pipeline's `manifests`. */
export function jobManifestOf(fields: RunJobManifestFields): unknown {
  return fields.manifest ?? fields.manifests?.[0];
}

/**
 * `runJobManifest`: creates a Kubernetes Job (under a name unique to the stage, so a re-run finds
 * it instead of starting another), waits for it to finish, and keeps its pods' log tail and the
 * properties they print (`SPINNAKER_PROPERTY_<KEY>=value`, `SPINNAKER_CONFIG_JSON=`) as outputs.
 */
export const runJobManifestStage = defineStageType({
  type: 'runJobManifest',
  fields: allowExpressions(runJobManifestFieldsSchema),
  tasks: () => ['runJob', 'waitOnJobCompletion'],
});
