import { z } from 'zod';
import { artifactMatches, artifactSchema, artifactsIn, describeExpected, expectedArtifactSchema, type Artifact, type ExpectedArtifact } from '../artifacts';
import { isPlainObject } from '../celValues';
import { APPLICATION_NAME, APPLICATION_NAME_RULE } from '../naming';
import type { Status } from '../status';
import { allowingExpressions } from './fields';
import { defineStageType } from './StageType';

/**
 * Which executions of the other pipeline count (orca's FindArtifactFromExecutionContext.ExecutionOptions):
 * Deck writes `successful`, orca first read `succeeded`; either asks for SUCCEEDED executions.
 */
const executionOptionsSchema = z.looseObject({
  succeeded: z.boolean().optional(),
  successful: z.boolean().optional(),
  terminal: z.boolean().optional(),
  running: z.boolean().optional(),
});

const findArtifactFromExecutionShape = {
  /** The other pipeline's application; default the execution's (Deck always writes it). */
  application: z.string().regex(APPLICATION_NAME, { message: `expected an application name (${APPLICATION_NAME_RULE})` }).optional(),
  /** The other pipeline's id (a name is read too: an id of Spinnaker's does not survive an import). */
  pipeline: z.string().min(1),
  executionOptions: executionOptionsSchema.default({}),
  /** Orca's older single form; `expectedArtifacts` wins when both are given, as orca reads them. */
  expectedArtifact: expectedArtifactSchema.optional(),
  expectedArtifacts: z.array(expectedArtifactSchema).optional(),
};

/** Orca reads `expectedArtifacts`, else the one `expectedArtifact`: a stage naming neither finds nothing. */
function requireExpected(fields: { expectedArtifact?: unknown; expectedArtifacts?: unknown }, ctx: z.RefinementCtx): void {
  const list = fields.expectedArtifacts;
  if (fields.expectedArtifact === undefined && (list === undefined || (Array.isArray(list) && list.length === 0))) {
    ctx.addIssue({ code: 'custom', path: ['expectedArtifacts'], message: 'name at least one expected artifact to find (expectedArtifacts, or expectedArtifact)' });
  }
}

export const findArtifactFromExecutionFieldsSchema = z.looseObject(findArtifactFromExecutionShape).superRefine(requireExpected);

export type FindArtifactFromExecutionFields = z.output<typeof findArtifactFromExecutionFieldsSchema>;

/**
 * `findArtifactFromExecution` (orca's stage of that name): binds expected artifacts from the
 * artifacts of the latest execution of another pipeline whose status `executionOptions` admits.
 * Outputs `resolvedExpectedArtifacts` (each with its `boundArtifact`, what later stages name by id)
 * and `artifacts`.
 */
export const findArtifactFromExecutionStage = defineStageType({
  type: 'findArtifactFromExecution',
  fields: z.looseObject(allowingExpressions(findArtifactFromExecutionShape)).superRefine(requireExpected),
  tasks: () => ['findArtifactFromExecution'],
});

/** The expected artifacts a stage names, in orca's precedence. */
export function expectedArtifactsOf(fields: FindArtifactFromExecutionFields): ExpectedArtifact[] {
  return fields.expectedArtifacts ?? (fields.expectedArtifact === undefined ? [] : [fields.expectedArtifact]);
}

/** The statuses `executionOptions` admits (orca's toCriteria); none means no execution qualifies. */
export function admittedStatuses(options: FindArtifactFromExecutionFields['executionOptions']): Status[] {
  return [
    ...(options.succeeded === true || options.successful === true ? (['SUCCEEDED'] as const) : []),
    ...(options.terminal === true ? (['TERMINAL'] as const) : []),
    ...(options.running === true ? (['RUNNING'] as const) : []),
  ];
}

export interface ExecutionArtifactSource {
  trigger: unknown;
  /** In the order the execution ran them (topological), each with its outputs. */
  stages: readonly { refId: string; outputs: unknown }[];
}

/**
 * Every artifact an execution holds, as orca's ArtifactUtils.getAllArtifacts gathers them: what its
 * stages emitted (`outputs.artifacts`, in stage order), then what its trigger brought. When the
 * stage reads its own pipeline, the artifacts its own stage emitted last time are left out (orca
 * never resolves a stage from its own earlier output).
 */
export function artifactsOfExecution(execution: ExecutionArtifactSource, excludeRefId?: string): Artifact[] {
  const emitted = execution.stages
    .filter((stage) => stage.refId !== excludeRefId)
    .flatMap((stage) => artifactsIn(isPlainObject(stage.outputs) ? stage.outputs.artifacts : undefined));
  const trigger = isPlainObject(execution.trigger) ? execution.trigger : {};
  return [...emitted, ...artifactsIn(trigger.artifacts)];
}

export type ExecutionArtifactBinding =
  | { ok: true; resolvedExpectedArtifacts: (ExpectedArtifact & { boundArtifact: Artifact })[]; artifacts: Artifact[] }
  | { ok: false; reason: string };

/**
 * Binds each expected artifact to the first of `artifacts` it matches (orca resolves here without
 * requiring a unique match), else its default when `useDefaultArtifact`; one that binds to nothing
 * fails the stage, naming it, as orca's resolver refuses an unmatched expected artifact.
 */
export function bindFromExecution(expected: readonly ExpectedArtifact[], artifacts: readonly Artifact[], source: string): ExecutionArtifactBinding {
  const resolved: (ExpectedArtifact & { boundArtifact: Artifact })[] = [];
  for (const entry of expected) {
    const match = artifacts.find((artifact) => artifactMatches(entry.matchArtifact, artifact));
    const fallback = match === undefined && entry.useDefaultArtifact ? artifactSchema.safeParse(entry.defaultArtifact) : undefined;
    const bound = match ?? (fallback?.success === true ? fallback.data : undefined);
    if (bound === undefined) {
      return { ok: false, reason: `expected artifact ${describeExpected(entry)} matches none of the ${artifacts.length} artifacts of ${source}${entry.useDefaultArtifact ? '' : ' and has no default (useDefaultArtifact)'}` };
    }
    resolved.push({ ...entry, boundArtifact: bound });
  }
  const bound: Artifact[] = [];
  for (const { boundArtifact } of resolved) if (!bound.includes(boundArtifact)) bound.push(boundArtifact);
  return { ok: true, resolvedExpectedArtifacts: resolved, artifacts: bound };
}
