import type { protos } from '@google-cloud/compute';
import { parseServerGroupName } from '@gantry/core';
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
import type { GcpAccountConfig } from './account';
import { ProviderError, isProviderError, nullIfNotFound } from '../errors';
import { byCreation } from '../serverGroupOrder';
import { weightsProblem } from '../trafficWeights';
import { routingRefusal } from '../requestRouting';
import { capacityProblem, serverGroupSpecProblem, settingsProblems } from '../validation';
import { OperationScopes } from '../operationScopes';
import { GceClient, type ComputeApis, type GceClientTimeouts, type Scope } from './client';
import { GceImageBaker } from './ImageBaker';
import { CredentialsProblem, clientOptions, type ComputeClientOptions } from './connection';
import { LABELS, instanceGroupPath, nameOf, templateNamePrefix } from './names';
import {
  backendServiceKey,
  backendServiceOf,
  buildInstanceGroupManager,
  buildInstanceTemplate,
  describeMig,
  machineTypeOf,
  readMigDescription,
  urlMapOf,
  type BackendServiceRef,
  type Placement,
} from './resources';
import { backendHealthByInstance, groupInstances, isOurTemplate, toServerGroup } from './serverGroup';
import { gcpServerGroupSettingsSchema, type GcpServerGroupSettings } from './settings';
import { abBackendServiceName, canonicalRule, gcpRouteRules, routesTo, sameService } from './routeRules';
import { isServing, weightedBackends, withBackend, withoutBackend } from './traffic';

type InstanceGroupManager = protos.google.cloud.compute.v1.IInstanceGroupManager;
type InstanceTemplate = protos.google.cloud.compute.v1.IInstanceTemplate;
type BackendService = protos.google.cloud.compute.v1.IBackendService;
type UrlMap = protos.google.cloud.compute.v1.IUrlMap;

export interface GcpProviderOptions extends GceClientTimeouts {
  /** Where `credentials.env` is read. */
  env?: NodeJS.ProcessEnv;
  /** Ready client options instead of the account's (tests, embedding). */
  clientOptions?: ComputeClientOptions;
}

/** A group's traffic as its backend service sees it. */
interface Traffic {
  backendService?: BackendServiceRef;
  /** The group's instance group is a backend with capacity. */
  enabled: boolean;
}

/**
 * Server groups as regional managed instance groups `cluster-vNNN` made from an instance template
 * `cluster-vNNN-<content hash>` (docs/architecture.md "Providers"):
 * - traffic: the backend service named by `settings.backendService` (kept in the template's
 *   metadata, Spinnaker's `backend-service-names`): enable adds the instance group as a backend
 *   (UTILIZATION, capacityScaler 1), disable removes it, weights set capacity scalers; every
 *   write is an update carrying the fingerprint just read (412 → Conflict, retried by re-reading).
 * - capacity: the MIG's target size is desired; min/max live in its description (no autoscaler).
 * - bake: a builder VM installs the package and powers off; the image is taken from its disk and
 *   found again by its `gantry-bake-key` label (GceImageBaker).
 * Every method is idempotent; operations are waited for until DONE, bounded (Transient past the
 * bound, so the engine repeats the call); retries are the caller's (RetryingProvider).
 */
export class GcpProvider implements CloudProvider {
  readonly kind = 'gcp' as const;
  private readonly gce: GceClient;
  private readonly scopes: OperationScopes<Scope>;
  private readonly baker: GceImageBaker;

  constructor(
    readonly account: GcpAccountConfig,
    options: GcpProviderOptions = {},
  ) {
    let client: ComputeClientOptions;
    try {
      client = options.clientOptions ?? clientOptions(account, options.env ?? process.env);
    } catch (error) {
      if (!(error instanceof CredentialsProblem)) throw error;
      throw new ProviderError({ kind: 'Fatal', provider: 'gcp', operation: 'connect', account: account.name, reason: error.message });
    }
    this.gce = new GceClient(client, account.project, account.name, options);
    this.baker = new GceImageBaker(this.gce, account);
    this.scopes = new OperationScopes<Scope>({
      account: account.name,
      serverGroupType: 'instanceGroupManager',
      at: (location, operation) => ({ operation, region: this.regionFor(location, operation) }),
      error: (kind, scope, reason) => this.gce.error(kind, scope, reason),
    });
  }

  async bake(request: BakeRequest): Promise<Image> {
    const region = this.regionFor(request.location, 'bake');
    this.scopes.check(request.account, { operation: 'bake', region });
    return this.baker.bake(request, region);
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    const region = this.regionFor(spec.location, 'createServerGroup');
    const scope: Scope = { operation: 'createServerGroup', region, resource: { type: 'instanceGroupManager', name: spec.name } };
    this.scopes.check(spec.account, scope);
    const { settings, machineType } = this.validateSpec(spec, scope);
    const placement = this.placement(region);
    const template = buildInstanceTemplate(spec, settings, placement, machineType);
    const templateId = template.name ?? '';

    // A re-run after a crash finds the group the first run made; nothing new is inserted for it.
    const existing = await this.gce.find(scope, this.getMig(spec.name, region));
    let adopted = existing?.[0];
    if (adopted !== undefined) {
      this.checkAdoptable(adopted, spec, templateId, scope);
    } else {
      await this.ensureTemplate(template, { ...scope, resource: { type: 'instanceTemplate', name: templateId } });
      const resource = buildInstanceGroupManager(spec, settings, placement, templateId);
      const inserted = await this.gce.insert(scope, (c) => c.migs.insert({ project: c.project, region, instanceGroupManagerResource: resource }, c.options));
      if (inserted === 'exists') {
        [adopted] = await this.gce.call(scope, this.getMig(spec.name, region));
        this.checkAdoptable(adopted, spec, templateId, scope);
      }
    }
    // A MIG already read is not read again; one inserted here is read once, for its instance group
    // and its view. The template is the one just built (its name is its content's hash).
    const mig = adopted ?? (await this.gce.find(scope, this.getMig(spec.name, region)))?.[0];
    if (mig === undefined || !this.isOurMig(mig, spec.name)) throw this.gce.error('Transient', scope, `managed instance group ${spec.name} was created but cannot be read yet`);
    if (spec.enabled === true) await this.setMigTraffic(mig, template, true, scope);
    return this.view(mig, scope, new Map());
  }

  async getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    return this.readServerGroup(ref.name, this.scopes.forServerGroup(ref, 'getServerGroup'));
  }

  async listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    const scope = this.scopes.forCluster(cluster, 'listServerGroups');
    const migs = await this.migsOf(cluster.cluster, scope);
    const services = new Map<string, Promise<BackendService | null>>();
    const groups = await Promise.all(migs.map((mig) => this.view(mig, { ...scope, resource: { type: 'instanceGroupManager', name: mig.name ?? '' } }, services)));
    return groups.sort(byCreation);
  }

  async resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'resize');
    const problem = capacityProblem(capacity);
    if (problem !== undefined) throw this.scopes.fatal(scope, `invalid capacity: ${problem}`);
    const mig = await this.requireMig(ref.name, scope);
    const described = readMigDescription(mig.description);
    const region = scope.region;
    if (described !== undefined && (described.min !== capacity.min || described.max !== capacity.max)) {
      const patch: InstanceGroupManager = { description: describeMig(described, capacity), ...(mig.fingerprint ? { fingerprint: mig.fingerprint } : {}) };
      await this.gce.mutate(scope, (c) => c.migs.patch({ project: c.project, region, instanceGroupManager: ref.name, instanceGroupManagerResource: patch }, c.options));
    }
    if (mig.targetSize !== capacity.desired) {
      await this.gce.mutate(scope, (c) => c.migs.resize({ project: c.project, region, instanceGroupManager: ref.name, size: capacity.desired }, c.options));
    }
  }

  enable(ref: ServerGroupRef): Promise<void> {
    return this.setTraffic(ref.name, true, this.scopes.forServerGroup(ref, 'enable'));
  }

  disable(ref: ServerGroupRef): Promise<void> {
    return this.setTraffic(ref.name, false, this.scopes.forServerGroup(ref, 'disable'));
  }

  /**
   * URL map route rules (gcp/routeRules.ts): the variant serves from the cluster's A/B backend
   * service (`<cluster>-ab`, made like the cluster's backend service), out of the shared one, and
   * each path matcher of `settings.urlMap` whose default service is the cluster's backend service
   * gets route rules after all its others (so only requests that reached the cluster are split)
   * sending the matching ones there. A re-run finds the rules by what they route to and writes
   * the URL map only when they differ; setTrafficWeights, enable and disable end the experiment.
   */
  async setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setRequestRouting');
    const refusal = routingRefusal('gcpBackendService', routing);
    if (refusal !== undefined) throw this.scopes.fatal(scope, refusal);
    const migs = await this.migsOf(cluster.cluster, scope);
    const byName = new Map(migs.map((mig) => [mig.name ?? '', mig]));
    const control = byName.get(routing.control);
    const variant = byName.get(routing.variant);
    if (control === undefined || variant === undefined) throw this.gce.error('NotFound', scope, `server group ${control === undefined ? routing.control : routing.variant} is not in cluster ${cluster.cluster}`);
    const template = await this.templateOf(control, scope);
    const shared = backendServiceOf(template);
    const urlMap = urlMapOf(template);
    if (shared === undefined || urlMap === undefined) {
      throw this.scopes.fatal(scope, `server group ${routing.control} has no ${shared === undefined ? 'backend service (settings.backendService)' : 'URL map (settings.urlMap)'}: URL map route rules need the cluster's backend service and URL map`);
    }
    const sharedService = await this.findBackendService(shared, scope);
    if (sharedService === null) throw this.gce.error('NotFound', { ...scope, resource: { type: 'backendService', name: shared.name } }, `backend service ${shared.name} does not exist`);
    const ab = await this.ensureAbBackendService(cluster.cluster, shared, sharedService, scope);
    const region = scope.region;
    const variantGroup = this.instanceGroupOf(variant, region);

    // The variant joins its own backend service before the URL map sends requests there, and leaves the shared one after.
    await this.editBackends(ab.ref, scope, (backends) => withBackend(backends, variantGroup, 1));
    await this.setMigTraffic(control, template, true, scope);
    await this.writeRouteRules(urlMap, shared, sharedService.selfLink ?? '', ab.selfLink, routing, scope);
    const leaving = migs.filter((mig) => mig.name !== routing.control).map((mig) => this.instanceGroupOf(mig, region));
    await this.editBackends(shared, scope, (backends) => {
      const kept = leaving.reduce((current, group) => withoutBackend(current, group) ?? current, backends);
      return kept.length === backends.length ? null : kept;
    });
  }

  /**
   * Weights describe the whole cluster: each group with a weight above 0 is a backend with a
   * capacityScaler (traffic.ts: relative to the heaviest, at least 0.1), the others leave their
   * backend service. One update per backend service, so the switch is atomic where the groups
   * share one (the usual case).
   */
  async setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setTrafficWeights');
    const migs = await this.migsOf(cluster.cluster, scope);
    await this.endRequestRouting(cluster.cluster, migs, scope);
    const problem = weightsProblem(weights, migs.map((mig) => mig.name ?? ''));
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    const byService = new Map<string, { service: BackendServiceRef; groups: Map<string, string> }>();
    for (const mig of migs) {
      const name = mig.name ?? '';
      const service = backendServiceOf(await this.templateOf(mig, scope));
      if (service === undefined) {
        if ((weights[name] ?? 0) > 0) throw this.scopes.fatal(scope, `server group ${name} has no backend service (settings.backendService when it was created), so it cannot take a weight`);
        continue;
      }
      const key = backendServiceKey(service);
      const entry = byService.get(key) ?? { service, groups: new Map<string, string>() };
      entry.groups.set(name, this.instanceGroupOf(mig, scope.region));
      byService.set(key, entry);
    }
    for (const { service, groups } of byService.values()) {
      await this.editBackends(service, scope, (backends) => weightedBackends(backends, groups, weights));
    }
  }

  /**
   * Leaves the backend service first (GCE refuses to delete an instance group that is a backend),
   * then deletes the MIG and, once it is gone, its template(s). Nothing there is nothing to do.
   */
  async destroy(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'destroy');
    const region = scope.region;
    const found = await this.gce.find(scope, this.getMig(ref.name, region));
    const mig = found?.[0] ?? null;
    const templates = new Set<string>();
    if (mig !== null) {
      if (!this.isOurMig(mig, ref.name)) throw this.scopes.conflict(scope, `managed instance group ${ref.name} is not managed by Gantry; refusing to delete it`);
      const template = await this.templateOf(mig, scope);
      const service = backendServiceOf(template);
      if (service !== undefined) await this.editBackends(service, scope, (backends) => withoutBackend(backends, this.instanceGroupOf(mig, region)), true);
      await this.deleteIgnoringNotFound(scope, (c) => c.migs.delete({ project: c.project, region, instanceGroupManager: ref.name }, c.options));
      if (isOurTemplate(template, ref.name)) templates.add(nameOf(mig.instanceTemplate));
    }
    // Also templates a create left behind before its MIG existed.
    for (const name of await this.templatesOf(ref.name, scope)) templates.add(name);
    for (const name of templates) {
      await this.deleteIgnoringNotFound({ ...scope, resource: { type: 'instanceTemplate', name } }, (c) => c.templates.delete({ project: c.project, instanceTemplate: name }, c.options));
    }
  }

  async health(ref: ServerGroupRef): Promise<Health> {
    const scope = this.scopes.forServerGroup(ref, 'health');
    return (await this.view(await this.requireMig(ref.name, scope), scope, new Map())).health;
  }

  async listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]> {
    const scope = this.scopes.forServerGroup(ref, 'listInstances');
    const mig = await this.requireMig(ref.name, scope);
    const traffic = await this.trafficOf(mig, await this.templateOf(mig, scope), scope, new Map());
    const backendHealth = traffic.enabled && traffic.backendService ? await this.backendHealthOf(traffic.backendService, mig, scope) : undefined;
    return groupInstances(await this.instancesOf(ref.name, scope), backendHealth);
  }

  /**
   * The MIG's recreateInstances: GCE deletes each instance and creates it again under the same
   * name from the group's template, its target size unchanged. Ids (which a recreated instance
   * does not keep) no longer in the group, or leaving it, are done, so a repeat recreates nothing.
   */
  async terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'terminateInstances');
    await this.requireMig(ref.name, scope);
    const wanted = new Set(instanceIds);
    const live = await this.instancesOf(ref.name, scope);
    const ids = new Set(groupInstances(live).map((instance) => instance.id));
    const instances = live.filter((instance) => wanted.has(String(instance.id)) && ids.has(String(instance.id)) && instance.currentAction !== 'RECREATING').map((instance) => instance.instance ?? '');
    if (instances.length === 0) return;
    const region = scope.region;
    await this.gce.mutate(scope, (c) =>
      c.migs.recreateInstances({ project: c.project, region, instanceGroupManager: ref.name, regionInstanceGroupManagersRecreateRequestResource: { instances } }, c.options),
    );
  }

  // --- steps -------------------------------------------------------------------------------------

  private async readServerGroup(name: string, scope: Scope): Promise<ServerGroup | null> {
    const found = await this.gce.find(scope, this.getMig(name, scope.region));
    if (found === null || !this.isOurMig(found[0], name)) return null;
    return this.view(found[0], scope, new Map());
  }

  /** The whole view of one group; backend services are read once per call (`services`). */
  private async view(mig: InstanceGroupManager, scope: Scope, services: Map<string, Promise<BackendService | null>>): Promise<ServerGroup> {
    const name = mig.name ?? '';
    const template = await this.templateOf(mig, scope);
    const [instances, traffic] = await Promise.all([this.instancesOf(name, scope), this.trafficOf(mig, template, scope, services)]);
    const backendHealth = traffic.enabled && traffic.backendService ? await this.backendHealthOf(traffic.backendService, mig, scope) : undefined;
    return toServerGroup({
      account: this.account.name,
      region: scope.region,
      mig,
      template,
      instances,
      enabled: traffic.enabled,
      ...(traffic.backendService ? { backendService: traffic.backendService.name } : {}),
      ...(backendHealth ? { backendHealth } : {}),
    });
  }

  private async trafficOf(mig: InstanceGroupManager, template: InstanceTemplate | null, scope: Scope, services: Map<string, Promise<BackendService | null>>): Promise<Traffic> {
    const backendService = backendServiceOf(template);
    if (backendService === undefined) return { enabled: false };
    const key = backendServiceKey(backendService);
    let service = services.get(key);
    if (service === undefined) {
      service = this.findBackendService(backendService, scope);
      services.set(key, service);
    }
    const backends = (await service)?.backends ?? [];
    return { backendService, enabled: isServing(backends, this.instanceGroupOf(mig, scope.region)) };
  }

  /** The backend service's view of the group's instances; undefined when it is not a backend after all. */
  private async backendHealthOf(service: BackendServiceRef, mig: InstanceGroupManager, scope: Scope): Promise<Map<string, string> | undefined> {
    const group = { group: this.instanceGroupOf(mig, scope.region) };
    const serviceScope: Scope = { ...scope, resource: { type: 'backendService', name: service.name } };
    try {
      const [health] = await this.gce.call(serviceScope, (c) =>
        service.regional
          ? c.regionBackendServices.getHealth({ project: c.project, region: scope.region, backendService: service.name, resourceGroupReferenceResource: group }, c.options)
          : c.backendServices.getHealth({ project: c.project, backendService: service.name, resourceGroupReferenceResource: group }, c.options),
      );
      return backendHealthByInstance(health.healthStatus ?? []);
    } catch (error) {
      // 400 "not a backend": a disable took the group out since the service was read.
      if (isProviderError(error, 'Fatal') && error.status === 400) return undefined;
      throw error;
    }
  }

  private async setTraffic(name: string, enabled: boolean, scope: Scope): Promise<void> {
    const mig = await this.requireMig(name, scope);
    const template = await this.templateOf(mig, scope);
    const cluster = parseServerGroupName(name)?.cluster;
    // Only a group with a URL map can be in an experiment: the others make no extra call.
    if (cluster !== undefined && urlMapOf(template) !== undefined) await this.endRequestRouting(cluster, [mig], scope);
    await this.setMigTraffic(mig, template, enabled, scope);
  }

  /** The cluster's A/B backend service, made like its shared one; found by name on a re-run. */
  private async ensureAbBackendService(cluster: string, shared: BackendServiceRef, sharedService: BackendService, scope: Scope): Promise<{ ref: BackendServiceRef; selfLink: string }> {
    const ref: BackendServiceRef = { name: abBackendServiceName(cluster), regional: shared.regional };
    const serviceScope: Scope = { ...scope, resource: { type: 'backendService', name: ref.name } };
    const check = (existing: BackendService): { ref: BackendServiceRef; selfLink: string } => {
      if (existing.protocol !== sharedService.protocol || existing.loadBalancingScheme !== sharedService.loadBalancingScheme) {
        throw this.scopes.conflict(serviceScope, `backend service ${ref.name} exists and is not like the cluster's ${shared.name} (protocol, load balancing scheme); Gantry would use it for the A/B variant`);
      }
      return { ref, selfLink: existing.selfLink ?? '' };
    };
    const existing = await this.findBackendService(ref, scope);
    if (existing !== null) return check(existing);
    const resource: BackendService = { name: ref.name, description: `Gantry A/B variant of cluster ${cluster} (removed when the experiment ends)` };
    for (const field of ['protocol', 'loadBalancingScheme', 'healthChecks', 'portName', 'port', 'timeoutSec', 'connectionDraining', 'localityLbPolicy', 'sessionAffinity'] as const) {
      const value = sharedService[field];
      if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) Object.assign(resource, { [field]: value });
    }
    const region = scope.region;
    await this.gce.insert(serviceScope, (c) =>
      ref.regional
        ? c.regionBackendServices.insert({ project: c.project, region, backendServiceResource: resource }, c.options)
        : c.backendServices.insert({ project: c.project, backendServiceResource: resource }, c.options),
    );
    const made = await this.findBackendService(ref, scope);
    if (made === null) throw this.gce.error('Transient', serviceScope, `backend service ${ref.name} was created but cannot be read yet`);
    return check(made);
  }

  private async findUrlMap(name: string, regional: boolean, scope: Scope): Promise<UrlMap | null> {
    const region = scope.region;
    const found = await this.gce.find({ ...scope, resource: { type: 'urlMap', name } }, (c) =>
      regional ? c.regionUrlMaps.get({ project: c.project, region, urlMap: name }, c.options) : c.urlMaps.get({ project: c.project, urlMap: name }, c.options),
    );
    return found?.[0] ?? null;
  }

  /** Writes the whole URL map with the fingerprint just read (412 → Conflict, retried by reading again). */
  private async updateUrlMap(map: UrlMap, regional: boolean, scope: Scope): Promise<void> {
    const name = map.name ?? '';
    const region = scope.region;
    await this.gce.mutate({ ...scope, resource: { type: 'urlMap', name } }, (c) =>
      regional
        ? c.regionUrlMaps.update({ project: c.project, region, urlMap: name, urlMapResource: map }, c.options)
        : c.urlMaps.update({ project: c.project, urlMap: name, urlMapResource: map }, c.options),
    );
  }

  /**
   * The route rules routing to the A/B backend service made to be the routing's, after every other
   * rule of each path matcher whose default service is the cluster's; nothing is written when they
   * already are (one update of the whole map otherwise, so the change is atomic).
   */
  private async writeRouteRules(name: string, shared: BackendServiceRef, sharedLink: string, abLink: string, routing: RequestRouting, scope: Scope): Promise<void> {
    const map = await this.findUrlMap(name, shared.regional, scope);
    if (map === null) throw this.gce.error('NotFound', { ...scope, resource: { type: 'urlMap', name } }, `URL map ${name} does not exist${shared.regional ? ` in region ${scope.region}` : ''}`);
    const matchers = map.pathMatchers ?? [];
    if (!matchers.some((matcher) => sameService(matcher.defaultService, sharedLink))) {
      throw this.scopes.fatal(scope, `URL map ${name} has no path matcher whose default service is backend service ${shared.name}: the cluster's requests must reach it through a path matcher`);
    }
    let changed = false;
    const pathMatchers = matchers.map((matcher) => {
      if (!sameService(matcher.defaultService, sharedLink)) return matcher;
      const rules = matcher.routeRules ?? [];
      const others = rules.filter((rule) => !routesTo(rule, abLink));
      const ours = rules.filter((rule) => routesTo(rule, abLink));
      const first = Math.max(0, ...others.map((rule) => Number(rule.priority ?? 0))) + 1;
      const wanted = gcpRouteRules(routing, abLink, first);
      if (ours.length === wanted.length && ours.every((rule, index) => canonicalRule(rule) === canonicalRule(wanted[index] ?? {}))) return matcher;
      changed = true;
      return { ...matcher, routeRules: [...others, ...wanted] };
    });
    if (changed) await this.updateUrlMap({ ...map, pathMatchers }, shared.regional, scope);
  }

  /**
   * Ends the cluster's experiment, if one runs: the route rules to its A/B backend service taken
   * out of the URL map, then that backend service deleted. Each step finds what is left, so a
   * re-run finishes it; the variant rejoins the shared backend service through enable or weights.
   */
  private async endRequestRouting(cluster: string, migs: readonly InstanceGroupManager[], scope: Scope): Promise<void> {
    let template: InstanceTemplate | null = null;
    for (const mig of migs) {
      const candidate = await this.templateOf(mig, scope);
      if (urlMapOf(candidate) !== undefined) {
        template = candidate;
        break;
      }
    }
    const shared = backendServiceOf(template);
    const urlMap = urlMapOf(template);
    if (shared === undefined || urlMap === undefined) return;
    const ref: BackendServiceRef = { name: abBackendServiceName(cluster), regional: shared.regional };
    const ab = await this.findBackendService(ref, scope);
    if (ab === null) return;
    const abLink = ab.selfLink ?? '';
    const map = await this.findUrlMap(urlMap, shared.regional, scope);
    if (map !== null) {
      let changed = false;
      const pathMatchers = (map.pathMatchers ?? []).map((matcher) => {
        const rules = matcher.routeRules ?? [];
        const kept = rules.filter((rule) => !routesTo(rule, abLink));
        if (kept.length === rules.length) return matcher;
        changed = true;
        return { ...matcher, routeRules: kept };
      });
      if (changed) await this.updateUrlMap({ ...map, pathMatchers }, shared.regional, scope);
    }
    const region = scope.region;
    await this.deleteIgnoringNotFound({ ...scope, resource: { type: 'backendService', name: ref.name } }, (c) =>
      ref.regional ? c.regionBackendServices.delete({ project: c.project, region, backendService: ref.name }, c.options) : c.backendServices.delete({ project: c.project, backendService: ref.name }, c.options),
    );
  }

  private async setMigTraffic(mig: InstanceGroupManager, template: InstanceTemplate | null, enabled: boolean, scope: Scope): Promise<void> {
    const name = mig.name ?? '';
    const service = backendServiceOf(template);
    if (service === undefined) {
      // Never in a backend service, so never taking traffic: disabling it has nothing to do.
      if (!enabled) return;
      throw this.scopes.fatal(scope, `server group ${name} has no backend service (settings.backendService when it was created), so it cannot take traffic`);
    }
    const group = this.instanceGroupOf(mig, scope.region);
    await this.editBackends(service, scope, (backends) => (enabled ? withBackend(backends, group, 1) : withoutBackend(backends, group)));
  }

  /**
   * Reads the backend service, applies `edit` to its backends and writes them back with the
   * fingerprint just read: a concurrent writer makes this a 412, a Conflict that the retrying
   * wrapper answers by calling again (so reading afresh). `edit` returns null when nothing changes.
   */
  private async editBackends(
    service: BackendServiceRef,
    scope: Scope,
    edit: (backends: protos.google.cloud.compute.v1.IBackend[]) => protos.google.cloud.compute.v1.IBackend[] | null,
    missingIsFine = false,
  ): Promise<void> {
    const serviceScope: Scope = { ...scope, resource: { type: 'backendService', name: service.name } };
    const current = await this.findBackendService(service, serviceScope);
    if (current === null) {
      if (missingIsFine) return;
      throw this.gce.error('NotFound', serviceScope, `backend service ${service.name} does not exist${service.regional ? ` in region ${scope.region}` : ''}`);
    }
    const backends = edit(current.backends ?? []);
    if (backends === null) return;
    // update (PUT) with the whole resource, not patch: the client's JSON leaves an empty list out,
    // so a patch could never remove the last backend. It carries the fingerprint just read.
    const updated: BackendService = { ...current, backends };
    const region = scope.region;
    await this.gce.mutate(serviceScope, (c) =>
      service.regional
        ? c.regionBackendServices.update({ project: c.project, region, backendService: service.name, backendServiceResource: updated }, c.options)
        : c.backendServices.update({ project: c.project, backendService: service.name, backendServiceResource: updated }, c.options),
    );
  }

  private async findBackendService(service: BackendServiceRef, scope: Scope): Promise<BackendService | null> {
    const serviceScope: Scope = { ...scope, resource: { type: 'backendService', name: service.name } };
    const found = await this.gce.find(serviceScope, (c) =>
      service.regional
        ? c.regionBackendServices.get({ project: c.project, region: scope.region, backendService: service.name }, c.options)
        : c.backendServices.get({ project: c.project, backendService: service.name }, c.options),
    );
    return found?.[0] ?? null;
  }

  /** Inserts the template unless a previous run did; a template of that name must be this group's. */
  private async ensureTemplate(template: InstanceTemplate, scope: Scope): Promise<void> {
    const name = template.name ?? '';
    const inserted = await this.gce.insert(scope, (c) => c.templates.insert({ project: c.project, instanceTemplateResource: template }, c.options));
    if (inserted !== 'exists') return;
    const [existing] = await this.gce.call(scope, (c) => c.templates.get({ project: c.project, instanceTemplate: name }, c.options));
    const serverGroup = template.properties?.labels?.[LABELS.serverGroup] ?? '';
    // The name carries the content's hash: ours by label means the same content.
    if (!isOurTemplate(existing, serverGroup)) throw this.scopes.conflict(scope, `an instance template named ${name} exists and is not server group ${serverGroup}'s`);
  }

  /** An existing MIG of that name is adopted only if it is this spec's group (same template, so same image and settings). */
  private checkAdoptable(mig: InstanceGroupManager, spec: ServerGroupSpec, template: string, scope: Scope): void {
    if (!this.isOurMig(mig, spec.name)) throw this.scopes.conflict(scope, `a managed instance group named ${spec.name} exists and is not managed by Gantry`);
    const current = nameOf(mig.instanceTemplate);
    if (current !== template) {
      const image = readMigDescription(mig.description)?.image ?? '(unknown)';
      throw this.scopes.conflict(scope, `server group ${spec.name} already exists with instance template ${current} (image ${image}), not ${template} (image ${spec.image})`);
    }
  }

  private isOurMig(mig: InstanceGroupManager, name: string): boolean {
    const described = readMigDescription(mig.description);
    return described !== undefined && mig.name === name && parseServerGroupName(name)?.cluster === described.cluster;
  }

  private async requireMig(name: string, scope: Scope): Promise<InstanceGroupManager> {
    const [mig] = await this.gce.call(scope, this.getMig(name, scope.region));
    if (!this.isOurMig(mig, name)) throw this.scopes.conflict(scope, `managed instance group ${name} is not managed by Gantry (no gantry description)`);
    return mig;
  }

  /** The request that reads one MIG, for `find` (null when missing) or `call` (NotFound). */
  private getMig(name: string, region: string) {
    return (c: ComputeApis) => c.migs.get({ project: c.project, region, instanceGroupManager: name }, c.options);
  }

  /** The cluster's MIGs: `<cluster>-vNNN` by name (server-side filter) and by Gantry's description. */
  private async migsOf(cluster: string, scope: Scope): Promise<InstanceGroupManager[]> {
    const filter = `name eq "${cluster}-v[0-9]{3}"`;
    const [migs] = await this.gce.call(scope, (c) => c.migs.list({ project: c.project, region: scope.region, filter }, c.options));
    return migs.filter((mig) => parseServerGroupName(mig.name ?? '')?.cluster === cluster && this.isOurMig(mig, mig.name ?? ''));
  }

  private async templateOf(mig: InstanceGroupManager, scope: Scope): Promise<InstanceTemplate | null> {
    const name = nameOf(mig.instanceTemplate);
    if (name === '') return null;
    const found = await this.gce.find({ ...scope, resource: { type: 'instanceTemplate', name } }, (c) => c.templates.get({ project: c.project, instanceTemplate: name }, c.options));
    return found?.[0] ?? null;
  }

  /** Templates made for this group (by name pattern and label), whether or not a MIG uses them. */
  private async templatesOf(serverGroup: string, scope: Scope): Promise<string[]> {
    const filter = `name eq "${templateNamePrefix(serverGroup)}-[0-9a-f]{8}"`;
    const [templates] = await this.gce.call(scope, (c) => c.templates.list({ project: c.project, filter }, c.options));
    return templates.filter((template) => isOurTemplate(template, serverGroup)).map((template) => template.name ?? '');
  }

  private async instancesOf(name: string, scope: Scope): Promise<protos.google.cloud.compute.v1.IManagedInstance[]> {
    const [instances] = await this.gce.call(scope, (c) => c.migs.listManagedInstances({ project: c.project, region: scope.region, instanceGroupManager: name }, c.options));
    return instances;
  }

  private async deleteIgnoringNotFound(scope: Scope, request: Parameters<GceClient['mutate']>[1]): Promise<void> {
    await nullIfNotFound(this.gce.mutate(scope, request));
  }

  /** The instance group a MIG manages, as a backend names it. */
  private instanceGroupOf(mig: InstanceGroupManager, region: string): string {
    return mig.instanceGroup ?? instanceGroupPath(this.account.project, region, mig.name ?? '');
  }

  // --- validation and errors ---------------------------------------------------------------------

  private validateSpec(spec: ServerGroupSpec, scope: Scope): { settings: GcpServerGroupSettings; machineType: string } {
    const problem = serverGroupSpecProblem(spec);
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    const parsed = gcpServerGroupSettingsSchema.safeParse(spec.settings ?? {});
    if (!parsed.success) throw this.scopes.fatal(scope, `invalid settings: ${settingsProblems(parsed.error)}`);
    const settings = parsed.data;
    const machineType = machineTypeOf(settings, this.placement(scope.region));
    if (machineType === undefined) throw this.scopes.fatal(scope, 'settings.instanceType is required (or the account\'s defaultMachineType)');
    if (spec.enabled === true && settings.backendService === undefined) throw this.scopes.fatal(scope, 'enabled: true needs settings.backendService, the backend service that sends the group traffic');
    return { settings, machineType };
  }

  private placement(region: string): Placement {
    const zones = this.account.regions.find((candidate) => candidate.name === region)?.zones;
    return {
      project: this.account.project,
      region,
      ...(this.account.network === undefined ? {} : { network: this.account.network }),
      ...(this.account.subnetwork === undefined ? {} : { subnetwork: this.account.subnetwork }),
      ...(this.account.defaultMachineType === undefined ? {} : { machineType: this.account.defaultMachineType }),
      ...(zones === undefined ? {} : { zones }),
    };
  }

  /** The region: the ref's location, else the account's first; it must be one the account lists. */
  private regionFor(location: string | undefined, operation: string): string {
    const regions = this.account.regions.map((region) => region.name);
    const region = location ?? regions[0] ?? '';
    if (!regions.includes(region)) throw this.scopes.fatal({ operation, region }, `region ${region} is not one of the account's regions (${regions.join(', ')})`);
    return region;
  }
}
