import { APPLICATION_NAME, APPLICATION_NAME_RULE, clusterOfServerGroup } from '@gantry/core';
import { z } from 'zod';
import { errorResponseSchema, errorResponses, idempotentHeaders } from '../commonSchemas';

const name = (what: string, pattern: RegExp, example: string) =>
  z.string().regex(pattern, { error: `must be ${what}, e.g. ${example}` });

const clusterName = name('a cluster name (application[-stack[-detail]])', /^[a-z][a-z0-9]*(-[a-z0-9-]*)?$/, 'checkout-prod');

export const applicationParams = z.object({
  app: name(`an application name (${APPLICATION_NAME_RULE})`, APPLICATION_NAME, 'checkout'),
});

export const clusterParams = applicationParams.extend({ cluster: clusterName });

export const serverGroupsQuery = z.object({
  account: z.string().min(1).max(128).optional().describe('Only this account; default: every account that has the cluster'),
  location: z.string().min(1).max(128).optional().describe("Namespace or region; default: the account's own"),
});

const capacitySchema = z.object({ min: z.number().int(), max: z.number().int(), desired: z.number().int() });
const healthSchema = z.object({ desired: z.number().int(), up: z.number().int(), down: z.number().int(), unknown: z.number().int() });

export const serverGroupViewSchema = z
  .object({
    name: z.string(),
    account: z.string(),
    location: z.string().nullable(),
    cluster: z.string(),
    sequence: z.number().int(),
    image: z.string(),
    capacity: capacitySchema,
    enabled: z.boolean().describe('Taking traffic'),
    health: healthSchema,
    healthy: z.boolean().describe('Every desired instance is up'),
    createdAt: z.date(),
    details: z
      .record(z.string(), z.unknown())
      .describe("The provider's own facts: resource ids, and for local groups the cluster's proxyUrl, metricsUrl and samplesUrl"),
  })
  .meta({ id: 'ServerGroup' });

export const clusterViewSchema = z
  .object({
    name: z.string(),
    account: z.string(),
    location: z.string().nullable(),
    serverGroups: z.array(z.string()).describe('Live server group names, newest first'),
  })
  .meta({ id: 'Cluster' });

export const manifestViewSchema = z
  .object({
    kind: z.string(),
    apiVersion: z.string(),
    name: z.string(),
    namespace: z.string().optional().describe('Absent for cluster-scoped kinds'),
    account: z.string(),
    cluster: z.string().describe("Its moniker cluster (moniker.spinnaker.io/cluster), Spinnaker's \"<kind> <name>\" by default"),
    version: z.number().int().optional().describe('The -vNNN of a versioned object (moniker.spinnaker.io/sequence)'),
    stable: z.boolean(),
    status: z.string().describe("'stable', or what it waits for or why it failed, by Spinnaker's per-kind rules"),
    createdAt: z.string().optional(),
  })
  .meta({ id: 'DeployedManifest' });

// A provider that failed is not the client's fault: 502 when it refused (its message says why),
// 503 when it is throttling or unreachable (try again).
const providerErrorResponses = {
  502: {
    description: 'PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource',
    content: { 'application/json': { schema: errorResponseSchema } },
  },
  503: {
    description: 'PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again',
    content: { 'application/json': { schema: errorResponseSchema } },
  },
};

export const listClustersSchema = {
  tags: ['applications'],
  summary: "An application's clusters across accounts, with their live server group names",
  description:
    "Clusters Gantry has deployed or acted on, as the providers see them now; clusters without live server groups are left out. Beside them, the Kubernetes objects of the application (moniker.spinnaker.io/application) live in the kinds and namespaces its manifest stages acted on.",
  params: applicationParams,
  response: {
    200: z.object({ application: z.string(), clusters: z.array(clusterViewSchema), manifests: z.array(manifestViewSchema) }),
    ...errorResponses(400, 404),
    ...providerErrorResponses,
  },
};

export const listServerGroupsSchema = {
  tags: ['applications'],
  summary: "A cluster's live server groups: image, capacity, traffic and health",
  params: clusterParams,
  querystring: serverGroupsQuery,
  response: {
    200: z.object({ application: z.string(), cluster: z.string(), serverGroups: z.array(serverGroupViewSchema) }),
    ...errorResponses(400, 404),
    ...providerErrorResponses,
  },
};

export const rollbackBody = z
  .object({
    account: z.string().min(1).max(128).optional().describe('The account the cluster is in; required only when it is in several'),
    location: z.string().min(1).max(128).optional().describe("Namespace or region; default: wherever the cluster is (or the account's own)"),
    serverGroupName: z
      .string()
      .refine((value) => clusterOfServerGroup(value) !== undefined, { error: 'must be a server group name: <cluster>-vNNN, e.g. checkout-prod-v007' })
      .optional()
      .describe('The server group to restore; default: the newest older one known to have been healthy'),
    reason: z.string().max(1000).optional().describe('Why, for the audit trail'),
  })
  .strict();

export const rollbackResponseSchema = z
  .object({
    id: z.string().describe('The execution that carries out the rollback'),
    status: z.string(),
    application: z.string(),
    cluster: z.string(),
    account: z.string(),
    location: z.string().nullable(),
    restoredServerGroup: z.string().describe('The group that takes the traffic back (as decided when asked; the execution decides again)'),
    rolledBackServerGroup: z.string().describe('The group that leaves traffic'),
  })
  .meta({ id: 'RollbackAccepted' });

export const rollbackSchema = {
  tags: ['applications'],
  summary: 'Roll a cluster back to its newest earlier healthy server group',
  description:
    'Creates an audited execution (of the system pipeline "rollback <cluster>") that enables the restored group, resizes it to the ' +
    "current group's capacity, waits until its instances are up, then takes the current group out of traffic. The execution's stage " +
    'outputs report rollbackDurationMs (request → traffic restored).',
  params: clusterParams,
  headers: idempotentHeaders,
  body: rollbackBody.optional(),
  response: {
    202: rollbackResponseSchema,
    ...errorResponses(400, 404, 409, 422, 503),
    ...providerErrorResponses,
  },
};

const serverGroupParams = clusterParams.extend({
  serverGroup: z
    .string()
    .refine((value) => clusterOfServerGroup(value) !== undefined, { error: 'must be a server group name: <cluster>-vNNN, e.g. checkout-prod-v007' }),
});

const serverGroupActionShape = {
  account: z.string().min(1).max(128).optional().describe('The account the cluster is in; required only when it is in several'),
  location: z.string().min(1).max(128).optional().describe("Namespace or region; default: wherever the cluster is (or the account's own)"),
  reason: z.string().max(1000).optional().describe('Why, for the audit trail'),
};

export const serverGroupActionBody = z.object(serverGroupActionShape).strict();

export const resizeBody = z
  .object({
    ...serverGroupActionShape,
    capacity: z
      .object({ min: z.number().int().min(0), max: z.number().int().min(0), desired: z.number().int().min(0) })
      .strict()
      .refine((capacity) => capacity.min <= capacity.desired && capacity.desired <= capacity.max, { error: 'must satisfy min <= desired <= max' }),
  })
  .strict();

const serverGroupActionResponseSchema = z
  .object({
    id: z.string().describe('The execution that carries out the action'),
    status: z.string(),
    application: z.string(),
    cluster: z.string(),
    serverGroup: z.string(),
    action: z.enum(['enable', 'disable', 'resize']),
    account: z.string(),
    location: z.string().nullable(),
  })
  .meta({ id: 'ServerGroupActionAccepted' });

const serverGroupActionSchema = <Body extends z.ZodType>(summary: string, body: Body) => ({
  tags: ['applications'],
  summary,
  description:
    'Creates an audited execution of the system pipeline "<action> <cluster>" (one at a time per cluster and action, later ones wait) ' +
    "whose stage acts on the server group, so the deploy policy's traffic guards apply as in any pipeline.",
  params: serverGroupParams,
  headers: idempotentHeaders,
  body,
  response: {
    202: serverGroupActionResponseSchema,
    ...errorResponses(400, 404, 409, 422, 503),
    ...providerErrorResponses,
  },
});

export const enableServerGroupSchema = serverGroupActionSchema('Put a server group into traffic', serverGroupActionBody.optional());
export const disableServerGroupSchema = serverGroupActionSchema('Take a server group out of traffic', serverGroupActionBody.optional());
export const resizeServerGroupSchema = serverGroupActionSchema('Set a server group\'s capacity', resizeBody);
