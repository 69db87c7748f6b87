import { isPlainObject } from '../celValues';
import { ManifestProblem, annotationsOf, labelsOf } from './manifest';

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
