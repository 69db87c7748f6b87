import { isPlainObject } from '../celValues';
import { ManifestProblem, annotationsOf, labelsOf, sameKind, type Manifest } from './manifest';

/**
 * Spinnaker's traffic management of ReplicaSets (clouddriver's enable/disable manifest
 * operation): a ReplicaSet lists its Services in the `traffic.spinnaker.io/load-balancers`
 * annotation; disabling removes the labels each Service selects from its pod template and pods,
 * enabling adds them back. Patches are computed against what is live, so a repeat is a no-op.
 */
export const LOAD_BALANCERS_ANNOTATION = 'traffic.spinnaker.io/load-balancers';

export type TrafficAction = 'enable' | 'disable';

export interface JsonPatchOperation {
  op: 'add' | 'remove';
  path: string;
  value?: string | Record<string, string>;
}

/** The Services a workload names in its annotation (`["service web"]`); a ManifestProblem when it is malformed. */
export function loadBalancersOf(object: Record<string, unknown>): string[] {
  const text = annotationsOf(object)[LOAD_BALANCERS_ANNOTATION];
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ManifestProblem(`annotation ${LOAD_BALANCERS_ANNOTATION} is not JSON: ${text}`);
  }
  if (!Array.isArray(parsed)) throw new ManifestProblem(`annotation ${LOAD_BALANCERS_ANNOTATION} must be a JSON list such as ["service web"]`);
  return serviceNamesOf(parsed, `annotation ${LOAD_BALANCERS_ANNOTATION}`);
}

/** The names of `["service web", …]` (the annotation's or a stage's `loadBalancers`); a ManifestProblem naming `where` otherwise. */
export function serviceNamesOf(entries: readonly unknown[], where: string): string[] {
  return entries.map((entry) => {
    const match = typeof entry === 'string' ? /^\s*service\s+(\S+)\s*$/i.exec(entry) : null;
    if (!match?.[1]) throw new ManifestProblem(`${where}: ${JSON.stringify(entry)} is not "service <name>" (only Services route traffic)`);
    return match[1];
  });
}

/** A Service's `spec.selector`. */
export function serviceSelectorOf(service: Record<string, unknown>): Record<string, string> {
  const spec = isPlainObject(service.spec) ? service.spec : {};
  return isPlainObject(spec.selector) ? (spec.selector as Record<string, string>) : {};
}

/** A workload's `spec.selector.matchLabels`. */
function workloadSelectorOf(workload: Record<string, unknown>): Record<string, string> {
  const spec = isPlainObject(workload.spec) ? workload.spec : {};
  const selector = isPlainObject(spec.selector) ? spec.selector : {};
  return isPlainObject(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : {};
}

/**
 * The Service's selector keys that the workload's own selector also uses: removing them would
 * orphan the pods from their ReplicaSet, so clouddriver refuses such a Service, and so do we.
 */
export function sharedSelectorKeys(service: Record<string, unknown>, workload: Record<string, unknown>): string[] {
  const own = workloadSelectorOf(workload);
  const matchExpressions = isPlainObject(workload.spec) && isPlainObject(workload.spec.selector) && Array.isArray(workload.spec.selector.matchExpressions) ? workload.spec.selector.matchExpressions : [];
  const expressionKeys = new Set(matchExpressions.flatMap((e) => (isPlainObject(e) && typeof e.key === 'string' ? [e.key] : [])));
  return Object.keys(serviceSelectorOf(service)).filter((key) => key in own || expressionKeys.has(key));
}

/** RFC 6901: `/` and `~` in a label key are escaped in a JSON pointer. */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON patch that makes `labels` (found at `path`, e.g. `/metadata/labels`) select or stop
 * selecting: disable removes the selector's keys that are there, enable adds the missing or
 * different ones (creating the labels map when there is none). Empty when nothing changes.
 */
export function trafficLabelPatch(labels: Record<string, string> | undefined, path: string, selector: Record<string, string>, action: TrafficAction): JsonPatchOperation[] {
  if (action === 'disable') return Object.keys(selector).filter((key) => labels !== undefined && key in labels).map((key) => ({ op: 'remove', path: `${path}/${pointer(key)}` }));
  const missing = Object.entries(selector).filter(([key, value]) => labels?.[key] !== value);
  if (missing.length === 0) return [];
  if (labels === undefined) return [{ op: 'add', path, value: Object.fromEntries(missing) }];
  return missing.map(([key, value]) => ({ op: 'add', path: `${path}/${pointer(key)}`, value }));
}

/** The labels of a workload's pod template, undefined when it has none. */
export function templateLabelsOf(workload: Record<string, unknown>): Record<string, string> | undefined {
  const spec = isPlainObject(workload.spec) ? workload.spec : {};
  const template = isPlainObject(spec.template) ? spec.template : {};
  return isPlainObject(template.metadata) && isPlainObject(template.metadata.labels) ? (template.metadata.labels as Record<string, string>) : undefined;
}

/** A pod's labels, undefined when it has none. */
export function podLabelsOf(pod: Record<string, unknown>): Record<string, string> | undefined {
  return isPlainObject(pod.metadata) && isPlainObject(pod.metadata.labels) ? labelsOf(pod) : undefined;
}

/**
 * How a deploy of manifests is to treat traffic, as orca hands it to clouddriver: with
 * `trafficManagement.enabled`, its services, whether new ReplicaSets get traffic, and what happens
 * to the cluster's older ReplicaSets; without it, traffic is enabled (the annotation a manifest
 * carries itself still attaches its Services), and nothing happens to older ones.
 */
export type TrafficStrategy = 'redblack' | 'bluegreen' | 'highlander' | 'none';

export interface StageTraffic {
  services: string[];
  enableTraffic: boolean;
  strategy: TrafficStrategy;
}

export interface TrafficManagementFields {
  enabled: boolean;
  options?: { enableTraffic?: boolean; services?: string[]; strategy?: TrafficStrategy };
}

export function stageTraffic(trafficManagement: TrafficManagementFields | undefined): StageTraffic {
  if (trafficManagement?.enabled !== true) return { services: [], enableTraffic: true, strategy: 'none' };
  const options = trafficManagement.options ?? {};
  return { services: options.services ?? [], enableTraffic: options.enableTraffic ?? false, strategy: options.strategy ?? 'none' };
}

/** The kinds clouddriver routes traffic to (its CanReceiveTraffic handlers). */
export function receivesTraffic(kind: string): boolean {
  return sameKind(kind, 'ReplicaSet');
}

/**
 * The Services a ReplicaSet of the stage is attached to: the stage's `services` written into its
 * `traffic.spinnaker.io/load-balancers` annotation (a manifest that already names other ones is
 * refused, as clouddriver does), or the annotation it carries. Services are `"service <name>"`.
 */
export function withLoadBalancers(manifest: Manifest, traffic: StageTraffic): { manifest: Manifest; services: string[] } {
  const written = loadBalancersOf(manifest);
  if (traffic.services.length === 0) return { manifest, services: written };
  const wanted = serviceNamesOf(traffic.services, 'trafficManagement.options.services');
  if (LOAD_BALANCERS_ANNOTATION in annotationsOf(manifest) && JSON.stringify(written) !== JSON.stringify(wanted)) {
    throw new ManifestProblem(`its annotation ${LOAD_BALANCERS_ANNOTATION} names ${JSON.stringify(written)}, not the stage's services ${JSON.stringify(wanted)}`);
  }
  const annotations = { ...annotationsOf(manifest), [LOAD_BALANCERS_ANNOTATION]: JSON.stringify(traffic.services) };
  return { manifest: { ...manifest, metadata: { ...manifest.metadata, annotations } }, services: wanted };
}

/**
 * clouddriver's attach of a Service to a workload when traffic is enabled: the Service's selector
 * is added to the pod template's labels. A Service without a selector, or one whose selector keys
 * the template already has, is refused: Spinnaker owns those labels (it removes them to disable),
 * so a template that sets them itself would be served again on every deploy.
 */
export function attachService(manifest: Manifest, service: Record<string, unknown>, serviceName: string): Manifest {
  const selector = serviceSelectorOf(service);
  if (Object.keys(selector).length === 0) throw new ManifestProblem(`Service ${serviceName} has no selector: it cannot route traffic to the ReplicaSet`);
  const labels = templateLabelsOf(manifest) ?? {};
  const common = Object.keys(selector).filter((key) => key in labels);
  if (common.length > 0) {
    throw new ManifestProblem(`Service ${serviceName} selects by ${common.join(', ')}, which the pod template already sets: Spinnaker's traffic management adds the Service's selector labels itself (remove them from the template)`);
  }
  const spec = isPlainObject(manifest.spec) ? manifest.spec : {};
  const template = isPlainObject(spec.template) ? spec.template : {};
  const metadata = isPlainObject(template.metadata) ? template.metadata : {};
  return { ...manifest, spec: { ...spec, template: { ...template, metadata: { ...metadata, labels: { ...labels, ...selector } } } } };
}

/** What a deploy does to an older ReplicaSet of the cluster it deployed into. */
export type OldReplicaSetAction = 'disable' | 'delete' | 'disableThenDelete';

/**
 * orca's DeployManifestStage after a deploy under traffic management: red/black and blue/green
 * disable the older ReplicaSets (kept, to roll back to), except one that never became ready and
 * is neither stable nor failed, which is deleted; highlander disables then deletes them all.
 */
export function oldReplicaSetAction(strategy: TrafficStrategy, old: Record<string, unknown>, stability: 'stable' | 'waiting' | 'failed'): OldReplicaSetAction | undefined {
  if (strategy === 'none') return undefined;
  if (strategy === 'highlander') return 'disableThenDelete';
  const status = isPlainObject(old.status) ? old.status : {};
  const serving = typeof status.readyReplicas === 'number' && status.readyReplicas > 0 && typeof status.availableReplicas === 'number' && status.availableReplicas > 0;
  return !serving && stability === 'waiting' ? 'delete' : 'disable';
}

/** clouddriver refuses a red/black deploy of a manifest that keeps fewer than 2 versions: the old one it disables would be pruned. */
export function checkRolloutStrategy(manifest: Manifest, strategy: TrafficStrategy): void {
  const kept = Number(annotationsOf(manifest)['strategy.spinnaker.io/max-version-history']);
  if (strategy === 'redblack' && Number.isFinite(kept) && kept < 2) {
    throw new ManifestProblem('strategy.spinnaker.io/max-version-history is below 2, which red/black cannot honour (it keeps the old version, disabled): raise it to 2 or more');
  }
}
