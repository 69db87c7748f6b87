import type { KubeConfig, V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import type {
  BakeRequest,
  Capacity,
  CloudProvider,
  ClusterRef,
  Health,
  Image,
  RequestRouting,
  ServerGroup,
  ServerGroupInstance,
  ServerGroupRef,
  ServerGroupSpec,
} from '../CloudProvider';
import { trafficModeOf, type KubernetesAccountConfig, type KubernetesTrafficMode } from './account';
import { routingRefusal, trafficRouterOf } from '../requestRouting';
import { isProviderError } from '../errors';
import { parseServerGroupName } from '@gantry/core';
import { capacityProblem, serverGroupSpecProblem, settingsProblems } from '../validation';
import { KubeClient, type Scope } from './client';
import { buildKubeConfig, effectiveAccount } from './kubeConfig';
import { ANNOTATIONS, LABELS, MANAGED_BY, labelSelector, trafficLabel } from './labels';
import { buildClusterService, buildDeployment, buildServerGroupService, pinImage } from './manifests';
import { httpRouteName, needsServerGroupServices, routeObjects, type RouteBackend, type RouteObject } from './routers';
import { byCreation } from '../serverGroupOrder';
import { computeHealth, isOurServerGroup, podInstances, podsByServerGroup, toServerGroup } from './serverGroup';
import { DEFAULT_CONTAINER_PORT, kubernetesServerGroupSettingsSchema, type KubernetesServerGroupSettings } from './settings';
import { evenWeights, replicaSplit, trafficPlan, weightsProblem } from '../trafficWeights';
import { OperationScopes } from '../operationScopes';

export interface KubernetesProviderOptions {
  /** Where `token.env` is read. */
  env?: NodeJS.ProcessEnv;
  /** A ready client configuration instead of the account's (tests, embedding). */
  kubeConfig?: KubeConfig;
  /** Per API request (default 30 s). */
  requestTimeoutMs?: number;
}

/** Pods relabelled at once on enable/disable: quick, yet few enough not to get throttled. */
const POD_PATCH_CONCURRENCY = 8;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Server groups as apps/v1 Deployments named `cluster-vNNN` (docs/architecture.md "Providers"):
 * - traffic: the cluster's Service `<cluster>` selects pods labelled `gantry.io/traffic=enabled`;
 *   enable/disable set that label on the pod template (for pods to come) and on the running pods
 *   (so the Service switches at once, as Spinnaker does). In a real cluster the template change
 *   also rolls the pods; the new ones carry the same label, so traffic is unaffected.
 * - weights: the cluster's `traffic.mode` (the account's, or the cluster's own) picks the router:
 *   `gatewayHttpRoute` (HTTPRoute over per-server-group Services), `istio` (VirtualService over
 *   DestinationRule subsets), `smi` (TrafficSplit over per-server-group Services) carry exact
 *   weights (routers.ts); mode `service` approximates (weight > 0 = enabled).
 * - A/B splits by request (setRequestRouting): HTTPRoute matches or a VirtualService match route.
 * - no bake: a container image is already the immutable artifact; bake pins it by digest.
 * Every method is idempotent; retries are the caller's (RetryingProvider).
 */
export class KubernetesProvider implements CloudProvider {
  readonly kind = 'kubernetes' as const;
  private readonly kube: KubeClient;
  private readonly scopes: OperationScopes<Scope>;
  readonly account: KubernetesAccountConfig;

  constructor(configured: KubernetesAccountConfig, options: KubernetesProviderOptions = {}) {
    const account = effectiveAccount(configured, options.env ?? process.env);
    this.account = account;
    const kc = options.kubeConfig ?? buildKubeConfig(account, options.env ?? process.env);
    this.kube = new KubeClient(kc, account.name, options.requestTimeoutMs);
    this.scopes = new OperationScopes<Scope>({
      account: account.name,
      serverGroupType: 'deployment',
      at: (location, operation) => ({ operation, namespace: this.namespaceFor(location, operation) }),
      error: (kind, scope, reason) => this.kube.error(kind, scope, reason),
    });
  }

  async bake(request: BakeRequest): Promise<Image> {
    const scope: Scope = { operation: 'bake', namespace: this.namespaceFor(request.location, 'bake') };
    const digest = request.settings?.imageDigest;
    if (digest !== undefined && (typeof digest !== 'string' || !IMAGE_DIGEST.test(digest))) {
      throw this.scopes.fatal(scope, `settings.imageDigest must be sha256:<64 hex digits>, got ${JSON.stringify(digest)}`);
    }
    const name = request.baseImage ?? (request.package === undefined ? undefined : `${request.package}:${request.version}`);
    if (name === undefined) throw this.scopes.fatal(scope, 'a bake of no package needs baseImage: the container image to deploy as is');
    const id = this.pin(name, digest, scope);
    // Spinnaker's "bake" for Kubernetes renders manifests; the image itself is built by CI.
    return { id, name, reused: true, details: { pinned: id.includes('@sha256:'), note: 'kubernetes has no bake: the container image is deployed as is' } };
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    const namespace = this.namespaceFor(spec.location, 'createServerGroup');
    const scope: Scope = { operation: 'createServerGroup', namespace, resource: { type: 'deployment', name: spec.name } };
    this.scopes.check(spec.account, scope);
    const settings = this.validateSpec(spec, scope);
    const port = settings.containerPort ?? DEFAULT_CONTAINER_PORT;

    // The Service first: if it cannot be made (RBAC), nothing is left running for nothing.
    const service = buildClusterService({ application: spec.application, cluster: spec.cluster, namespace, port });
    await this.ensureService(service, { ...scope, resource: { type: 'service', name: spec.cluster } });
    const deployment = await this.createOrAdopt(buildDeployment({ spec, namespace, settings }), scope);
    if (needsServerGroupServices(this.modeOf(spec.cluster))) await this.ensureServerGroupService(deployment, port, scope);
    return toServerGroup(deployment, await this.podsOf(spec.name, scope), this.account.name);
  }

  async getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    const scope = this.scopes.forServerGroup(ref, 'getServerGroup');
    const deployment = await this.kube.find(scope, (k) => k.apps.readNamespacedDeployment({ name: ref.name, namespace: scope.namespace }, k.options));
    if (deployment === null || !isOurServerGroup(deployment, ref.name)) return null;
    return toServerGroup(deployment, await this.podsOf(ref.name, scope), this.account.name);
  }

  async listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    const scope = this.scopes.forCluster(cluster, 'listServerGroups');
    const [deployments, pods] = await Promise.all([
      this.deploymentsOf(cluster.cluster, scope),
      this.kube.call(scope, (k) => k.core.listNamespacedPod({ namespace: scope.namespace, labelSelector: labelSelector({ [LABELS.cluster]: cluster.cluster }) }, k.options)),
    ]);
    const grouped = podsByServerGroup(pods.items);
    return deployments.map((deployment) => toServerGroup(deployment, grouped.get(deployment.metadata?.name ?? '') ?? [], this.account.name)).sort(byCreation);
  }

  async resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'resize');
    const problem = capacityProblem(capacity);
    if (problem !== undefined) throw this.scopes.fatal(scope, `invalid capacity: ${problem}`);
    await this.requireDeployment(ref.name, scope);
    const body = {
      metadata: { annotations: { [ANNOTATIONS.capacityMin]: String(capacity.min), [ANNOTATIONS.capacityMax]: String(capacity.max) } },
      spec: { replicas: capacity.desired },
    };
    await this.kube.call(scope, (k) => k.apps.patchNamespacedDeployment({ name: ref.name, namespace: scope.namespace, body }, k.mergePatch));
  }

  async enable(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'enable');
    await this.routeToEnabledGroups(await this.setTraffic(ref.name, true, scope), scope);
  }

  async disable(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'disable');
    // The route stops sending it traffic first, then its labels say disabled: the view reads the
    // labels, so a call cut off in between (a failed route write, a crash) reads as not done and is
    // repeated whole. The other order left a group that read as disabled still in the route.
    await this.routeToEnabledGroups(await this.requireDeployment(ref.name, scope), scope, { leaving: true });
    await this.setTraffic(ref.name, false, scope);
  }

  /**
   * Weights describe the whole cluster: groups left out take no traffic. Groups are enabled before
   * the route sends them traffic and disabled after it stopped, so the labels (and
   * ServerGroup.enabled) always agree with where traffic may go.
   */
  async setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setTrafficWeights');
    const deployments = await this.deploymentsOf(cluster.cluster, scope);
    const names = deployments.map((deployment) => deployment.metadata?.name ?? '');
    const problem = weightsProblem(weights, names);
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    const plan = trafficPlan(weights, names);
    const groupScope = (name: string): Scope => ({ ...scope, resource: { type: 'deployment', name } });

    for (const name of plan.enable) await this.setTraffic(name, true, groupScope(name));
    if (this.modeOf(cluster.cluster) !== 'service') {
      await this.writeRoutes(cluster, deployments, weights, undefined, scope);
    } else {
      // Service mode: the share of traffic is the share of ready replicas, so the weighted groups'
      // replicas (their current total kept) are split by weight.
      const weighted = deployments.filter((deployment) => (weights[deployment.metadata?.name ?? ''] ?? 0) > 0);
      const total = weighted.reduce((sum, deployment) => sum + (deployment.spec?.replicas ?? 0), 0);
      for (const [name, replicas] of Object.entries(replicaSplit(weights, total))) {
        const body = { spec: { replicas } };
        await this.kube.call(groupScope(name), (k) => k.apps.patchNamespacedDeployment({ name, namespace: scope.namespace, body }, k.mergePatch));
      }
    }
    for (const name of plan.disable) await this.setTraffic(name, false, groupScope(name));
  }

  /**
   * Control and variant are enabled before the route names them and the cluster's other groups
   * disabled after it stopped naming them, as setTrafficWeights does. The route objects are
   * rewritten whole, so a repeat writes the same objects (and skips them when unchanged).
   */
  async setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setRequestRouting');
    const refusal = routingRefusal(trafficRouterOf(this.account, cluster.cluster), routing);
    if (refusal !== undefined) throw this.scopes.fatal(scope, refusal);
    const deployments = await this.deploymentsOf(cluster.cluster, scope);
    const names = deployments.map((deployment) => deployment.metadata?.name ?? '');
    for (const name of [routing.control, routing.variant]) {
      if (!names.includes(name)) throw this.scopes.fatal(scope, `server group ${name} is not in cluster ${cluster.cluster}`);
    }
    const groupScope = (name: string): Scope => ({ ...scope, resource: { type: 'deployment', name } });
    for (const name of [routing.control, routing.variant]) await this.setTraffic(name, true, groupScope(name));
    await this.writeRoutes(cluster, deployments, { [routing.control]: 100 }, { variant: routing.variant, rules: routing.rules }, scope);
    for (const name of names.filter((name) => name !== routing.control && name !== routing.variant)) await this.setTraffic(name, false, groupScope(name));
  }

  async destroy(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'destroy');
    const { namespace } = scope;
    const deployment = await this.kube.find(scope, (k) => k.apps.readNamespacedDeployment({ name: ref.name, namespace }, k.options));
    if (deployment !== null) {
      if (!isOurServerGroup(deployment, ref.name)) throw this.scopes.conflict(scope, `deployment ${ref.name} is not managed by Gantry (no ${LABELS.serverGroup}=${ref.name} label); refusing to delete it`);
      const uid = deployment.metadata?.uid;
      // Background: the Deployment goes now and its pods after it, so the name is free at once.
      // The uid precondition deletes the object just checked, never a newcomer with its name.
      const body = { propagationPolicy: 'Background', ...(uid ? { preconditions: { uid } } : {}) };
      await this.kube.find(scope, (k) => k.apps.deleteNamespacedDeployment({ name: ref.name, namespace, body }, k.options));
    }
    // The group's own Service (gateway and SMI modes); a real cluster's garbage collector would remove it too.
    const serviceScope: Scope = { ...scope, resource: { type: 'service', name: ref.name } };
    const service = await this.kube.find(serviceScope, (k) => k.core.readNamespacedService({ name: ref.name, namespace }, k.options));
    if (service?.metadata?.labels?.[LABELS.serverGroup] === ref.name) {
      // Out of the route first: a backend whose Service is gone makes the gateway answer 500s.
      if (deployment !== null) await this.routeToEnabledGroups(deployment, scope, { leaving: true });
      await this.kube.find(serviceScope, (k) => k.core.deleteNamespacedService({ name: ref.name, namespace }, k.options));
    } else if (deployment !== null) {
      // Istio: its subset leaves the DestinationRule (and the route) with it.
      await this.routeToEnabledGroups(deployment, scope, { leaving: true });
    }
  }

  async health(ref: ServerGroupRef): Promise<Health> {
    const scope = this.scopes.forServerGroup(ref, 'health');
    const deployment = await this.requireDeployment(ref.name, scope);
    return computeHealth(deployment, await this.podsOf(ref.name, scope));
  }

  async listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]> {
    const scope = this.scopes.forServerGroup(ref, 'listInstances');
    await this.requireDeployment(ref.name, scope);
    return podInstances(await this.podsOf(ref.name, scope));
  }

  /**
   * Deletes the pods (gracefully, as `kubectl delete pod`); the ReplicaSet creates others under new
   * names. Only pods of this group are deleted, and one already gone is done.
   */
  async terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'terminateInstances');
    const { namespace } = scope;
    // A pod not of the group now was deleted already (the repeat after a crash) or was never ours.
    const ours = new Set((await this.podsOf(ref.name, scope)).map((pod) => pod.metadata?.name));
    for (const name of instanceIds.filter((id) => ours.has(id))) {
      await this.kube.find({ ...scope, resource: { type: 'pod', name } }, (k) => k.core.deleteNamespacedPod({ name, namespace }, k.options));
    }
  }

  // --- steps -------------------------------------------------------------------------------------

  /** Returns the deployment as read before the change (its labels are what callers need). */
  private async setTraffic(name: string, enabled: boolean, scope: Scope): Promise<V1Deployment> {
    const { namespace } = scope;
    const deployment = await this.requireDeployment(name, scope);
    const label = trafficLabel(enabled);
    const body = {
      metadata: { annotations: { [ANNOTATIONS.enabled]: String(enabled) } },
      spec: { template: { metadata: { labels: { [LABELS.traffic]: label } } } },
    };
    // The template first: a pod created from now on is born with the right label.
    await this.kube.call(scope, (k) => k.apps.patchNamespacedDeployment({ name, namespace, body }, k.mergePatch));
    const stale = (await this.podsOf(name, scope)).filter((pod) => pod.metadata?.labels?.[LABELS.traffic] !== label && !pod.metadata?.deletionTimestamp);
    await forEachLimited(stale, POD_PATCH_CONCURRENCY, (pod) => this.relabelPod(pod, label, scope));
    return deployment;
  }

  /**
   * Gateway mode: enable and disable end any explicit split (as red/black wants: enable the new
   * group, disable the old, and the new one has all the traffic); the route sends equal shares to
   * the cluster's enabled groups, leaving out one being deleted or disabled. Service mode needs nothing more:
   * the Service follows the labels.
   */
  private async routeToEnabledGroups(deployment: V1Deployment, scope: Scope, { leaving = false } = {}): Promise<void> {
    const labels = deployment.metadata?.labels ?? {};
    const cluster: ClusterRef = { account: this.account.name, location: scope.namespace, application: labels[LABELS.application] ?? '', cluster: labels[LABELS.cluster] ?? '' };
    if (this.modeOf(cluster.cluster) === 'service') return;
    // A group being destroyed or disabled leaves the route whatever its annotations say.
    const left = leaving ? deployment.metadata?.name : undefined;
    const live = (await this.deploymentsOf(cluster.cluster, scope)).filter(
      (candidate) => !candidate.metadata?.deletionTimestamp && candidate.metadata?.name !== left,
    );
    const enabled = live.filter((candidate) => candidate.metadata?.annotations?.[ANNOTATIONS.enabled] === 'true');
    await this.writeRoutes(cluster, live, evenWeights(enabled.map((candidate) => candidate.metadata?.name ?? '')), undefined, scope);
  }

  /**
   * The cluster's route objects for its mode: `deployments` are the cluster's live groups (Istio
   * declares a subset for each), `weights` the groups in traffic, `routing` an A/B split on top.
   */
  private async writeRoutes(
    cluster: ClusterRef,
    deployments: readonly V1Deployment[],
    weights: Record<string, number>,
    routing: { variant: string; rules: RequestRouting['rules'] } | undefined,
    scope: Scope,
  ): Promise<void> {
    const mode = this.modeOf(cluster.cluster);
    const backendOf = async (deployment: V1Deployment, weight: number): Promise<RouteBackend> => {
      const port = containerPortOf(deployment);
      if (needsServerGroupServices(mode)) await this.ensureServerGroupService(deployment, port, scope);
      return { name: deployment.metadata?.name ?? '', port, weight };
    };
    const backends: RouteBackend[] = [];
    for (const deployment of deployments) {
      const weight = weights[deployment.metadata?.name ?? ''];
      if (weight !== undefined) backends.push(await backendOf(deployment, weight));
    }
    const variant = routing === undefined ? undefined : deployments.find((deployment) => deployment.metadata?.name === routing.variant);
    const objects = routeObjects(mode, {
      namespace: scope.namespace,
      application: cluster.application,
      cluster: cluster.cluster,
      httpRouteName: httpRouteName(this.account.traffic.httpRoute?.name, cluster.cluster),
      parentRefs: this.account.traffic.httpRoute?.parentRefs ?? [],
      backends,
      serverGroups: deployments.map((deployment) => deployment.metadata?.name ?? ''),
      port: deployments[0] === undefined ? DEFAULT_CONTAINER_PORT : containerPortOf(deployments[0]),
      ...(routing === undefined || variant === undefined ? {} : { routing: { variant: await backendOf(variant, 0), rules: routing.rules } }),
    });
    for (const object of objects) await this.writeRouteObject(object, scope);
  }

  /**
   * Running pods take the new label directly so that the Service switches now. A pod that is gone
   * needs nothing. An API that refuses to edit pods (405, or RBAC without `patch pods`) leaves the
   * switch to the rollout the template change started: slower, but it converges.
   */
  private async relabelPod(pod: V1Pod, label: string, scope: Scope): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const body = { metadata: { labels: { [LABELS.traffic]: label } } };
    try {
      await this.kube.call({ ...scope, resource: { type: 'pod', name } }, (k) => k.core.patchNamespacedPod({ name, namespace: scope.namespace, body }, k.mergePatch));
    } catch (error) {
      if (isProviderError(error, 'NotFound')) return;
      if (isProviderError(error, 'Fatal') && (error.status === 405 || error.status === 403)) return;
      throw error;
    }
  }

  /** A re-run after a crash finds what the first run made: reuse it if it is ours with the same image. */
  private async createOrAdopt(desired: V1Deployment, scope: Scope): Promise<V1Deployment> {
    const name = desired.metadata?.name ?? '';
    const created = await this.kube.create(scope, (k) => k.apps.createNamespacedDeployment({ namespace: scope.namespace, body: desired }, k.options));
    if (created !== 'exists') return created;
    const existing = await this.kube.call(scope, (k) => k.apps.readNamespacedDeployment({ name, namespace: scope.namespace }, k.options));
    if (!isOurServerGroup(existing, name)) throw this.scopes.conflict(scope, `a deployment named ${name} exists and is not managed by Gantry`);
    const image = existing.metadata?.annotations?.[ANNOTATIONS.image];
    const wanted = desired.metadata?.annotations?.[ANNOTATIONS.image];
    if (image !== wanted) throw this.scopes.conflict(scope, `server group ${name} already exists with image ${image ?? '(unknown)'}, not ${wanted ?? '(unknown)'}`);
    return existing;
  }

  /** Creates the Service if missing; an existing one is left alone (it may have been tuned by hand). */
  private async ensureService(service: V1Service, scope: Scope): Promise<void> {
    await this.kube.create(scope, (k) => k.core.createNamespacedService({ namespace: scope.namespace, body: service }, k.options));
  }

  private async ensureServerGroupService(deployment: V1Deployment, port: number, scope: Scope): Promise<void> {
    const name = deployment.metadata?.name ?? '';
    const labels = deployment.metadata?.labels ?? {};
    const uid = deployment.metadata?.uid;
    const service = buildServerGroupService({
      application: labels[LABELS.application] ?? '',
      cluster: labels[LABELS.cluster] ?? '',
      serverGroup: name,
      namespace: scope.namespace,
      port,
      ...(uid ? { owner: { name, uid } } : {}),
    });
    await this.ensureService(service, { ...scope, resource: { type: 'service', name } });
  }

  /**
   * Created, or replaced with the resourceVersion just read (a concurrent writer makes this a
   * Conflict, retried by re-reading); an object that already says the same is not written.
   */
  private async writeRouteObject({ kind, name, body }: RouteObject, scope: Scope): Promise<void> {
    const objectScope: Scope = { ...scope, resource: { type: kind.kind.toLowerCase(), name } };
    const target = { group: kind.group, version: kind.version, namespace: scope.namespace, plural: kind.plural, name };
    const current = (await this.kube.find(objectScope, (k) => k.custom.getNamespacedCustomObject(target, k.options))) as Record<string, unknown> | null;
    if (current === null) {
      await this.kube.call(objectScope, (k) => k.custom.createNamespacedCustomObject({ ...target, body }, k.options));
      return;
    }
    if (sameRoute(current, body)) return;
    const resourceVersion = resourceVersionOf(current);
    const replacement = { ...body, metadata: { ...(body.metadata as Record<string, unknown>), ...(resourceVersion === undefined ? {} : { resourceVersion }) } };
    await this.kube.call(objectScope, (k) => k.custom.replaceNamespacedCustomObject({ ...target, body: replacement }, k.options));
  }

  private modeOf(cluster: string): KubernetesTrafficMode {
    return trafficModeOf(this.account, cluster);
  }

  private async deploymentsOf(cluster: string, scope: Scope): Promise<V1Deployment[]> {
    const selector = labelSelector({ [LABELS.cluster]: cluster, [LABELS.managedBy]: MANAGED_BY });
    const list = await this.kube.call(scope, (k) => k.apps.listNamespacedDeployment({ namespace: scope.namespace, labelSelector: selector }, k.options));
    return list.items.filter((deployment) => parseServerGroupName(deployment.metadata?.name ?? '') !== null);
  }

  private async podsOf(serverGroup: string, scope: Scope): Promise<V1Pod[]> {
    const selector = labelSelector({ [LABELS.serverGroup]: serverGroup });
    return (await this.kube.call(scope, (k) => k.core.listNamespacedPod({ namespace: scope.namespace, labelSelector: selector }, k.options))).items;
  }

  /** The deployment, which must exist (NotFound otherwise) and be a Gantry server group (Conflict otherwise). */
  private async requireDeployment(name: string, scope: Scope): Promise<V1Deployment> {
    const deployment = await this.kube.call(scope, (k) => k.apps.readNamespacedDeployment({ name, namespace: scope.namespace }, k.options));
    if (!isOurServerGroup(deployment, name)) throw this.scopes.conflict(scope, `deployment ${name} is not managed by Gantry (no ${LABELS.serverGroup}=${name} label)`);
    return deployment;
  }

  // --- validation and errors ---------------------------------------------------------------------

  private validateSpec(spec: ServerGroupSpec, scope: Scope): KubernetesServerGroupSettings {
    const problem = serverGroupSpecProblem(spec);
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    const settings = kubernetesServerGroupSettingsSchema.safeParse(spec.settings ?? {});
    if (!settings.success) throw this.scopes.fatal(scope, `invalid settings: ${settingsProblems(settings.error)}`);
    this.pin(spec.image, settings.data.imageDigest, scope);
    return settings.data;
  }

  private pin(image: string, digest: string | undefined, scope: Scope): string {
    try {
      return pinImage(image, digest);
    } catch (error) {
      throw this.scopes.fatal(scope, (error as Error).message);
    }
  }

  /** The namespace: the ref's location, else the account's; it must be one the account allows. */
  private namespaceFor(location: string | undefined, operation: string): string {
    const namespace = location ?? this.account.namespace;
    const allowed = this.account.namespaces;
    if (allowed !== undefined && !allowed.includes(namespace)) {
      throw this.scopes.fatal({ operation, namespace }, `namespace ${namespace} is not one of the account's namespaces (${allowed.join(', ')})`);
    }
    return namespace;
  }
}

function containerPortOf(deployment: V1Deployment): number {
  return deployment.spec?.template?.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? DEFAULT_CONTAINER_PORT;
}

/** Same spec and labels: what Gantry writes of a route object. */
function sameRoute(current: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  const labelsOf = (object: Record<string, unknown>) => (object.metadata as { labels?: unknown } | undefined)?.labels;
  return JSON.stringify(current.spec) === JSON.stringify(wanted.spec) && JSON.stringify(labelsOf(current)) === JSON.stringify(labelsOf(wanted));
}

function resourceVersionOf(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const metadata = (object as { metadata?: { resourceVersion?: unknown } }).metadata;
  return typeof metadata?.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += limit) {
    await Promise.all(items.slice(start, start + limit).map(work));
  }
}
