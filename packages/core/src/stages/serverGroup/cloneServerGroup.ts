import { z } from 'zod';
import { isPlainObject } from '../../celValues';
import { allowExpressions } from '../allowExpressions';
import { nonEmptyText } from '../fields';
import { defineStageType } from '../StageType';
import { deployClusterSchema, planFor, type DeployCluster } from './deploy';
import { capacitySchema, checkLocation, waitForUpTimeoutSchema, type CapacityFields } from './fields';
import { checkStrategyFields } from './strategyFields';
import { targetFieldsSchema } from './targetStages';

const LOCATION_KEYS = ['location', 'namespace', 'region', 'regions', 'namespaces'] as const;

/** The first location a Spinnaker stage names, in any of its spellings. */
function locationIn(fields: Record<string, unknown>): string | undefined {
  for (const key of LOCATION_KEYS) {
    const value = fields[key];
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string') return first;
  }
  const zones = isPlainObject(fields.availabilityZones) ? Object.keys(fields.availabilityZones) : [];
  return zones.length === 1 ? zones[0] : undefined;
}

/**
 * Orca's CloneServerGroupStage fields, read as Gantry's: the new group's cluster flat on the stage
 * (`credentials`, `region`/`availabilityZones`, `amiName`/`imageId`/`image`, `instanceType`), and
 * its source either exact (`source: {account, region, asgName|serverGroupName}`) or found in
 * `targetCluster` by `target` (deck's GCE/AWS clone: `current_asg_dynamic`…). Each side takes the
 * other's account and location when it names none, as Spinnaker clones in place by default.
 */
function fromSpinnakerClone(input: unknown): unknown {
  if (!isPlainObject(input) || isPlainObject(input.cluster)) return input;
  const { source: rawSource, targetCluster, target, cluster: _cluster, ...flat } = input;
  const source = isPlainObject(rawSource) ? rawSource : {};
  const account = flat.account ?? flat.credentials ?? source.account ?? source.credentials;
  const location = locationIn(flat) ?? locationIn(source);
  const image = flat.image ?? flat.imageId ?? flat.amiName;
  const settings = flat.instanceType === undefined ? flat.settings : { ...(isPlainObject(flat.settings) ? flat.settings : {}), instanceType: flat.instanceType };
  const capacity = flat.capacity ?? (flat.targetSize === undefined ? undefined : { min: flat.targetSize, max: flat.targetSize, desired: flat.targetSize });
  const cluster: Record<string, unknown> = {
    ...flat,
    ...(account === undefined ? {} : { account }),
    ...(LOCATION_KEYS.some((key) => flat[key] !== undefined) || location === undefined ? {} : { region: location }),
    ...(image === undefined ? {} : { image }),
    ...(settings === undefined ? {} : { settings }),
    ...(capacity === undefined ? {} : { capacity }),
  };
  for (const key of ['credentials', 'availabilityZones', 'imageId', 'amiName', 'instanceType', 'targetSize', 'useSourceCapacity', 'waitForUpTimeoutSec']) {
    delete cluster[key];
  }
  const sourceName = source.serverGroupName ?? source.asgName;
  const from: Record<string, unknown> = {
    account: source.account ?? source.credentials ?? account,
    ...(locationIn(source) ?? location) === undefined ? {} : { region: locationIn(source) ?? location },
    ...(sourceName === undefined ? { cluster: targetCluster, target: target ?? 'current_asg_dynamic' } : { serverGroupName: sourceName }),
  };
  return { ...input, cluster, source: from };
}

/** The new group's cluster: deploy's, with image and capacity taken from the source when not given. */
const cloneClusterSchema = z
  .looseObject({ ...deployClusterSchema.shape, image: nonEmptyText.optional(), capacity: capacitySchema.optional() })
  .superRefine((cluster, ctx) => {
    checkLocation(cluster, ctx);
    checkStrategyFields(cluster, ctx);
  });

/** The cloneServerGroup stage's fields, as tasks read them once expressions are resolved. */
export const cloneServerGroupFieldsSchema = z.preprocess(
  fromSpinnakerClone,
  z.looseObject({
    cluster: cloneClusterSchema,
    /** The group copied: an exact name, or `target` (current, previous…) in `cluster`. */
    source: targetFieldsSchema,
    /** Spinnaker's: run the source's capacity whatever `capacity` says. */
    useSourceCapacity: z.boolean().optional(),
    waitForUpTimeoutSec: waitForUpTimeoutSchema.optional(),
  }),
);

export type CloneServerGroupFields = z.output<typeof cloneServerGroupFieldsSchema>;

/** What the clone copies from its source group (as `determineCloneSource` recorded it). */
export interface CloneSource {
  image: string;
  capacity: CapacityFields;
}

/**
 * The cluster a clone deploys, for deploy's tasks: the stage's overrides over the source's image
 * and capacity (the source's capacity always with `useSourceCapacity`, as Orca's clone does). The
 * result is checked with deploy's own cluster schema by the caller.
 */
export function clonedCluster(fields: CloneServerGroupFields, source: CloneSource): z.input<typeof deployClusterSchema> {
  const { cluster } = fields;
  const capacity = fields.useSourceCapacity === true || cluster.capacity === undefined ? source.capacity : cluster.capacity;
  return { ...cluster, image: cluster.image ?? source.image, capacity };
}

/**
 * `cloneServerGroup`: the next group of the target cluster, made from an existing group's image
 * and capacity with the stage's overrides, then rolled out by `strategy` with deploy's own tasks.
 * A source that does not exist fails the stage at its first task, naming it. Outputs: deploy's,
 * plus `cloneSource` (the copied group's name, account, location, image and capacity), and after a
 * failure or a cancel `cloneCleanup` (destroyed, nothing was created, or kept and why).
 */
export const cloneServerGroupStage = defineStageType({
  type: 'cloneServerGroup',
  fields: allowExpressions(cloneServerGroupFieldsSchema),
  tasks: (fields) => ['determineCloneSource' as const, ...planFor(fields.cluster as DeployCluster)],
  // A failed or canceled clone leaves no half-made group (unless it alone serves the cluster's traffic).
  onFailureTasks: () => ['destroyFailedClone' as const],
  cancelTasks: () => ['destroyFailedClone' as const],
});
