import { z } from 'zod';
import { artifactSchema, expectedArtifactSchema } from '../../artifacts';
import { isPlainObject } from '../../celValues';
import { allowExpressions } from '../allowExpressions';
import { checkAccount, nonEmptyText } from '../fields';
import type { TrafficManagementFields } from '../../manifests/traffic';
import { defineStageType } from '../StageType';
import { manifestAccountShape, stableTimeoutShape } from './fields';

/** One manifest of `manifests`: any object; what it must hold (kind, metadata.name) is checked when it is deployed, naming it. */
const manifestObject = z.record(z.string(), z.unknown(), { error: 'each manifest must be an object (a Kubernetes resource)' });

const requiredArtifact = z.looseObject({ artifact: artifactSchema.optional(), expectedArtifact: z.looseObject({ id: z.string().optional() }).optional() });

/**
 * Spinnaker's traffic management of ReplicaSets behind Services (orca's DeployManifestContext):
 * the Services the new ReplicaSets are attached to, whether they get traffic at once, and what
 * happens to the cluster's older ReplicaSets after the deploy (`core/manifests/traffic.ts`).
 * `namespace` is deck's, where it lists the Services; they are looked up in the ReplicaSet's.
 */
const trafficManagement = z.looseObject({
  enabled: z.boolean().default(false),
  options: z
    .looseObject({
      enableTraffic: z.boolean().optional(),
      namespace: z.string().optional(),
      services: z.array(z.string()).optional(),
      strategy: z.enum(['redblack', 'bluegreen', 'highlander', 'none']).optional(),
    })
    .optional(),
});

export const deployManifestShape = {
  ...manifestAccountShape,
  ...stableTimeoutShape,
  source: z.enum(['text', 'artifact'], { error: 'source is text (manifests) or artifact (manifestArtifact or manifestArtifactId)' }).default('text'),
  manifests: z.array(manifestObject).optional(),
  manifestArtifactId: nonEmptyText.optional(),
  manifestArtifact: artifactSchema.optional(),
  manifestArtifactAccount: z.string().optional(),
  namespaceOverride: z.string().optional(),
  moniker: z.looseObject({ app: nonEmptyText.optional(), cluster: z.string().optional() }).optional(),
  skipExpressionEvaluation: z.boolean().optional(),
  requiredArtifactIds: z.array(z.string()).optional(),
  requiredArtifacts: z.array(requiredArtifact).optional(),
  trafficManagement: trafficManagement.optional(),
  /**
   * Deck's "Produces Artifacts": expected artifacts bound to what the stage deployed (orca's
   * BindProducedArtifactsTask), so a later stage names a deployed object by this id.
   */
  expectedArtifacts: z.array(expectedArtifactSchema).optional(),
};

interface DeploySource {
  account?: string;
  credentials?: string;
  source: 'text' | 'artifact';
  manifests?: unknown[];
  manifestArtifactId?: string;
  manifestArtifact?: unknown;
  trafficManagement?: TrafficManagementFields;
}

function checkDeployManifest(fields: DeploySource, ctx: z.RefinementCtx): void {
  checkAccount(fields, ctx);
  if (fields.source === 'text' && fields.manifests === undefined) {
    ctx.addIssue({ code: 'custom', path: ['manifests'], message: 'manifests is required with source text' });
  }
  if (fields.source === 'artifact' && fields.manifestArtifactId === undefined && !isPlainObject(fields.manifestArtifact)) {
    ctx.addIssue({ code: 'custom', path: ['manifestArtifactId'], message: 'manifestArtifactId or manifestArtifact is required with source artifact' });
  }
  for (const [index, service] of (fields.trafficManagement?.options?.services ?? []).entries()) {
    if (!/^\s*service\s+\S+\s*$/i.test(service) && !service.includes('${')) {
      ctx.addIssue({ code: 'custom', path: ['trafficManagement', 'options', 'services', index], message: `${JSON.stringify(service)} is not "service <name>" (only Services route traffic)` });
    }
  }
}

/** The deployManifest stage's fields, as its tasks read them once expressions are resolved. */
export const deployManifestFieldsSchema = z.looseObject(deployManifestShape).superRefine(checkDeployManifest);
export type DeployManifestFields = z.output<typeof deployManifestFieldsSchema>;

/**
 * `deployManifest`: server-side apply of Kubernetes manifests (from `manifests` or an artifact),
 * versioning ConfigMaps, Secrets, ReplicaSets and Pods as `-vNNN`, then waiting until every
 * deployed object is stable; under a traffic strategy, the cluster's older ReplicaSets are then
 * disabled or deleted (`retireOldReplicaSets`).
 */
export const deployManifestStage = defineStageType({
  type: 'deployManifest',
  fields: allowExpressions(deployManifestFieldsSchema),
  tasks: (fields) => [
    'deployManifest',
    'waitForManifestStable',
    ...(fields.trafficManagement?.enabled === true && (fields.trafficManagement.options?.strategy ?? 'none') !== 'none' ? (['retireOldReplicaSets'] as const) : []),
  ],
  // Spinnaker's skipExpressionEvaluation: the manifests are deployed as written, `${…}` and all
  // (a ConfigMap holding a shell or Helm template).
  literalFields: (fields) => (fields.skipExpressionEvaluation === true ? [['manifests', '**']] : []),
});
