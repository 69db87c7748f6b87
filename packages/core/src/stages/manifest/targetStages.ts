import { z } from 'zod';
import { allowExpressions } from '../allowExpressions';
import { defineStageType } from '../StageType';
import { artifactSchema } from '../../artifacts';
import { checkManifestSelector, countField, labelSelectorsShape, manifestSelectorShape, selectorMode, stableTimeoutShape } from './fields';

/**
 * The manifest stages that act on objects already deployed, each naming its target in
 * Spinnaker's selector shape (`mode: static` + `manifestName`, or `mode: dynamic` + `cluster` and
 * `criteria`). Every plan starts with `determineManifestTarget`, which records the object once: a
 * re-run after a crash acts on that same object, not on whatever "newest" means after the first
 * run's effect.
 */
const DETERMINE = 'determineManifestTarget';

/** Only deleteManifest acts on many objects at once (mode label); the others need one object. */
function checkSingleTarget(fields: Parameters<typeof selectorMode>[0], ctx: z.RefinementCtx): void {
  if (selectorMode(fields) === 'label') ctx.addIssue({ code: 'custom', path: ['mode'], message: 'mode label is for deleteManifest only; name one object (mode static or dynamic)' });
}

const singleTarget = (fields: Parameters<typeof checkManifestSelector>[0], ctx: z.RefinementCtx) => {
  checkManifestSelector(fields, ctx);
  checkSingleTarget(fields, ctx);
};

/** What determineManifestTarget reads: any stage's selector, label mode included. */
export const manifestTargetFieldsSchema = z.looseObject({ ...manifestSelectorShape, ...labelSelectorsShape }).superRefine(checkManifestSelector);
export type ManifestTargetFields = z.output<typeof manifestTargetFieldsSchema>;

export const deleteManifestFieldsSchema = z
  .looseObject({
    ...manifestSelectorShape,
    ...labelSelectorsShape,
    ...stableTimeoutShape,
    // `cascading: false` orphans what the object owns (a Deployment's ReplicaSets), as kubectl's --cascade=orphan.
    // Spinnaker's UI leaves `gracePeriodSeconds: null` when it is not set.
    options: z.looseObject({ cascading: z.boolean().default(true), gracePeriodSeconds: countField.nullish() }).optional(),
  })
  .superRefine(checkManifestSelector);

/** `deleteManifest`: delete the object (its dependents too unless `options.cascading` is false). */
export const deleteManifestStage = defineStageType({
  type: 'deleteManifest',
  fields: allowExpressions(deleteManifestFieldsSchema),
  tasks: () => [DETERMINE, 'deleteManifest', 'waitForManifestDeleted'],
});

export const scaleManifestFieldsSchema = z
  .looseObject({ ...manifestSelectorShape, ...stableTimeoutShape, replicas: countField })
  .superRefine(singleTarget);

/** `scaleManifest`: set `spec.replicas` of a Deployment, ReplicaSet or StatefulSet, then wait until it is stable. */
export const scaleManifestStage = defineStageType({
  type: 'scaleManifest',
  fields: allowExpressions(scaleManifestFieldsSchema),
  tasks: () => [DETERMINE, 'scaleManifest', 'waitForManifestStable'],
});

export const PATCH_STRATEGIES = ['strategic', 'merge', 'json'] as const;

export const patchManifestFieldsSchema = z
  .looseObject({
    ...manifestSelectorShape,
    ...stableTimeoutShape,
    source: z.literal('text', { error: 'only source text (patchBody) is supported for patchManifest yet' }).default('text'),
    // An object for strategic and merge patches; a list of operations for json.
    patchBody: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]),
    options: z.looseObject({ mergeStrategy: z.enum(PATCH_STRATEGIES).default('strategic'), record: z.boolean().optional() }).optional(),
    // As deployManifest: requiredArtifacts may be listed; nothing is substituted into a patch yet.
    requiredArtifactIds: z.array(z.string()).optional(),
    requiredArtifacts: z.array(z.looseObject({ artifact: artifactSchema.optional() })).optional(),
  })
  .superRefine((fields, ctx) => {
    singleTarget(fields, ctx);
    const strategy = fields.options?.mergeStrategy ?? 'strategic';
    if (strategy === 'json' && !Array.isArray(fields.patchBody)) {
      ctx.addIssue({ code: 'custom', path: ['patchBody'], message: 'a json patch is a list of operations ({op, path, value})' });
    }
    if (strategy !== 'json' && Array.isArray(fields.patchBody)) {
      ctx.addIssue({ code: 'custom', path: ['patchBody'], message: `a ${strategy} patch is an object (a list is options.mergeStrategy json)` });
    }
  });

/** `patchManifest`: patch the object (strategic merge, JSON merge or JSON patch), then wait until it is stable. */
export const patchManifestStage = defineStageType({
  type: 'patchManifest',
  fields: allowExpressions(patchManifestFieldsSchema),
  tasks: () => [DETERMINE, 'patchManifest', 'waitForManifestStable'],
});

export const undoRolloutManifestFieldsSchema = z
  .looseObject({ ...manifestSelectorShape, ...stableTimeoutShape, numRevisionsBack: countField.pipe(z.number().min(1, { error: 'must be at least 1' })).default(1) })
  .superRefine(singleTarget);

/**
 * `undoRolloutManifest`: put a Deployment's pod template back to the one `numRevisionsBack`
 * revisions before the current one (from its ReplicaSets, as `kubectl rollout undo` does), then
 * wait until it is stable. The revision it went back to is in the outputs.
 */
export const undoRolloutManifestStage = defineStageType({
  type: 'undoRolloutManifest',
  fields: allowExpressions(undoRolloutManifestFieldsSchema),
  tasks: () => [DETERMINE, 'undoRolloutManifest', 'waitForManifestStable'],
});

export const rollingRestartManifestFieldsSchema = z.looseObject({ ...manifestSelectorShape, ...stableTimeoutShape }).superRefine(singleTarget);

/** `rollingRestartManifest`: restart a Deployment's pods by a rollout (as `kubectl rollout restart`), then wait until it is stable. */
export const rollingRestartManifestStage = defineStageType({
  type: 'rollingRestartManifest',
  fields: allowExpressions(rollingRestartManifestFieldsSchema),
  tasks: () => [DETERMINE, 'rollingRestartManifest', 'waitForManifestStable'],
});

/**
 * `findArtifactsFromResource`: reads a deployed object and puts the artifacts it uses in the
 * outputs (`artifacts`: its container images as `docker/image`, the ConfigMaps and Secrets it
 * refers to as `kubernetes/configMap` and `kubernetes/secret`), with the object as `manifest`.
 */
export const findArtifactsFromResourceStage = defineStageType({
  type: 'findArtifactsFromResource',
  fields: allowExpressions(z.looseObject(manifestSelectorShape).superRefine(singleTarget)),
  tasks: () => [DETERMINE, 'findArtifactsFromResource'],
});

export const trafficManifestFieldsSchema = z
  .looseObject({
    ...manifestSelectorShape,
    ...stableTimeoutShape,
    // clouddriver's description field: when given and not empty, these Services instead of the annotation's.
    loadBalancers: z.array(z.string().regex(/^\s*service\s+\S+\s*$/i, { error: 'must be "service <name>"' })).optional(),
  })
  .superRefine(singleTarget);

/**
 * `enableManifest`: puts a ReplicaSet back behind the Services of its
 * `traffic.spinnaker.io/load-balancers` annotation (their selector labels on its pod template
 * and pods), then waits until it is stable.
 */
export const enableManifestStage = defineStageType({
  type: 'enableManifest',
  fields: allowExpressions(trafficManifestFieldsSchema),
  tasks: () => [DETERMINE, 'enableManifest', 'waitForManifestStable'],
});

/** `disableManifest`: takes a ReplicaSet out of its Services (removes their selector labels from its template and pods), keeping its pods. */
export const disableManifestStage = defineStageType({
  type: 'disableManifest',
  fields: allowExpressions(trafficManifestFieldsSchema),
  tasks: () => [DETERMINE, 'disableManifest', 'waitForManifestStable'],
});
