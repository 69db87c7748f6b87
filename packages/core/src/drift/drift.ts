import { parseAllDocuments } from 'yaml';
import { isPlainObject } from '../celValues';
import type { RepositoryFile } from '../gitops/pipelineFiles';
import { checkManifest, ManifestProblem, type Manifest } from '../manifests/manifest';

/**
 * Drift (README "Drift"): whether what runs still is what Gantry deployed or git says, decided
 * here, purely; the workers read the two sides and record the answers.
 *
 * The comparison is the one `kubectl diff` shows for an object whose fields one manager owns: only
 * the fields the desired manifest sets are compared, so what the server fills in (status,
 * managedFields, defaulted fields, annotations controllers add) never counts as drift.
 */

export const DRIFT_STATES = ['in-sync', 'drifted', 'missing'] as const;
export type DriftState = (typeof DRIFT_STATES)[number];

/** One field that differs: its path as kubectl's JSONPath-like text, and both values (undefined: absent). */
export interface DriftField {
  path: string;
  desired: unknown;
  live: unknown;
}

/** Written by the API server on every object; a manifest that carries them (a `kubectl get -o yaml` in git) does not own them. */
const SERVER_METADATA = new Set(['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink', 'namespace']);

/**
 * Keys strategic merge patch lists are merged by (the `patchMergeKey`s of the core types:
 * containers, env, volumes, volumeMounts by name, ports by containerPort or port…): an element of a
 * desired list is compared with the live element of the same key, not with the one at its index.
 */
const MERGE_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'topologyKey', 'type'];

export function manifestDrift(desired: Record<string, unknown>, live: Record<string, unknown>): DriftField[] {
  const fields: DriftField[] = [];
  for (const [key, value] of Object.entries(desired)) {
    if (key === 'status') continue;
    if (key === 'metadata' && isPlainObject(value)) {
      const liveMetadata = isPlainObject(live.metadata) ? live.metadata : {};
      for (const [field, fieldValue] of Object.entries(value)) {
        if (!SERVER_METADATA.has(field)) compare(fieldValue, liveMetadata[field], `metadata${segment(field)}`, fields);
      }
      continue;
    }
    compare(value, live[key], segment(key).replace(/^\./, ''), fields);
  }
  return fields;
}

function compare(desired: unknown, live: unknown, path: string, out: DriftField[]): void {
  if (desired === undefined) return;
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) {
      out.push({ path, desired, live });
      return;
    }
    for (const [key, value] of Object.entries(desired)) compare(value, live[key], `${path}${segment(key)}`, out);
    return;
  }
  if (Array.isArray(desired)) {
    compareList(desired, live, path, out);
    return;
  }
  if (!sameScalar(desired, live)) out.push({ path, desired, live });
}

function compareList(desired: unknown[], liveValue: unknown, path: string, out: DriftField[]): void {
  const live: unknown[] | undefined = Array.isArray(liveValue) ? (liveValue as unknown[]) : undefined;
  if (live === undefined) {
    out.push({ path, desired, live: liveValue });
    return;
  }
  const key = mergeKeyOf(desired);
  if (key !== undefined) {
    for (const element of desired as Record<string, unknown>[]) {
      const match = live.find((candidate) => isPlainObject(candidate) && sameScalar(element[key], candidate[key]));
      const at = `${path}[${key}=${String(element[key])}]`;
      if (match === undefined) out.push({ path: at, desired: element, live: undefined });
      else compare(element, match, at, out);
    }
    return;
  }
  // Lists without a merge key (args, command, tolerations) are atomic in server-side apply: owned whole.
  if (desired.length !== live.length) {
    out.push({ path, desired, live });
    return;
  }
  desired.forEach((element, index) => compare(element, live[index], `${path}[${index}]`, out));
}

/** The merge key every element has, with distinct values; undefined for lists of scalars or of mixed objects. */
function mergeKeyOf(list: unknown[]): string | undefined {
  if (list.length === 0 || !list.every(isPlainObject)) return undefined;
  const objects = list.filter(isPlainObject);
  return MERGE_KEYS.find((key) => {
    const values = objects.map((element) => element[key]);
    return values.every((value) => typeof value === 'string' || typeof value === 'number') && new Set(values.map(String)).size === values.length;
  });
}

/** `2` and `"2"` are one value (an int-or-string field, a quantity written as a number). */
function sameScalar(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  const numberAndText = (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'string';
  return (numberAndText(desired, live) || numberAndText(live, desired)) && String(desired) === String(live);
}

function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * The desired manifest re-based on what runs, after a stage of Gantry changed the object on purpose
 * (scaleManifest, patchManifest, an undo, a restart, traffic): each field the desired manifest sets
 * takes its live value, and the elements such a stage added to keyed lists (a container, an env
 * entry) join it, so the next check compares with what Gantry last did.
 */
export function adoptLive(desired: Record<string, unknown>, live: Record<string, unknown>): Record<string, unknown> {
  const adopted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    if (key === 'status') continue;
    const taken = key === 'metadata' ? value : adopt(value, live[key]);
    if (taken !== undefined) adopted[key] = taken;
  }
  if (isPlainObject(desired.metadata) && isPlainObject(live.metadata)) {
    const metadata: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(desired.metadata)) {
      const taken = SERVER_METADATA.has(field) ? value : adopt(value, live.metadata[field]);
      if (taken !== undefined) metadata[field] = taken;
    }
    adopted.metadata = metadata;
  }
  return adopted;
}

function adopt(desired: unknown, live: unknown): unknown {
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(desired)) {
      const taken = adopt(value, live[key]);
      if (taken !== undefined) out[key] = taken;
    }
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return undefined;
    const liveList = live as unknown[];
    const key = mergeKeyOf(desired);
    if (key === undefined) return liveList;
    const elements = desired as Record<string, unknown>[];
    const kept = elements.flatMap((element) => {
      const match = liveList.find((candidate) => isPlainObject(candidate) && sameScalar(element[key], candidate[key]));
      return match === undefined ? [] : [adopt(element, match)];
    });
    const added = liveList.filter((candidate) => isPlainObject(candidate) && !elements.some((element) => sameScalar(element[key], candidate[key])));
    return [...kept, ...added];
  }
  return live;
}

/** The state of one object: missing when it is not there, drifted when a field it should have differs. */
export function driftOf(desired: Record<string, unknown>, live: Record<string, unknown> | null): { state: DriftState; fields: DriftField[] } {
  if (live === null) return { state: 'missing', fields: [] };
  const fields = manifestDrift(desired, live);
  return { state: fields.length === 0 ? 'in-sync' : 'drifted', fields };
}

/** What a new observation does to the recorded state: the state's start, and the event its change is (none when unchanged). */
export interface DriftTransition {
  since: Date;
  event: 'DRIFT_DETECTED' | 'DRIFT_CLEARED' | undefined;
}

/**
 * A first observation in sync is no event (nothing changed that anyone needs to hear of); a first
 * observation out of sync is one. Any change between in-sync and out of sync (drifted or missing) is
 * one event; drifted ↔ missing and a changed diff keep the state's start and say nothing more, so
 * one incident is one notification.
 */
export function driftTransition(previous: { state: DriftState; since: Date } | undefined, observed: DriftState, now: Date): DriftTransition {
  const wasOut = previous !== undefined && previous.state !== 'in-sync';
  const isOut = observed !== 'in-sync';
  if (previous !== undefined && wasOut === isOut) return { since: previous.since, event: undefined };
  if (previous === undefined && !isOut) return { since: now, event: undefined };
  return { since: now, event: isOut ? 'DRIFT_DETECTED' : 'DRIFT_CLEARED' };
}

/** An object drift is about: where it lives and what it is. */
export interface DriftResourceId {
  account: string;
  /** '' for a cluster-scoped object; a server group's region or zone (see serverGroupResource). */
  namespace: string;
  kind: string;
  name: string;
}

export function describeDriftResource(resource: DriftResourceId): string {
  return `${resource.kind} ${resource.name}${resource.namespace === '' ? '' : ` in ${resource.namespace}`} (account ${resource.account})`;
}

/** The kind a server group's drift records carry (Kubernetes kinds are capitalized too, so none collides). */
export const SERVER_GROUP_KIND = 'ServerGroup';

/** A server group's drift key: account, location in the namespace's place, the group's name. */
export function serverGroupResource(group: { account: string; location?: string | undefined; name: string }): DriftResourceId {
  return { account: group.account, namespace: group.location ?? '', kind: SERVER_GROUP_KIND, name: group.name };
}

/** What identifies an AWS/GCP server group's launch configuration, as its provider reads it (CloudProvider's ServerGroup.template). */
export interface ServerGroupTemplateId {
  type: 'launchTemplate' | 'instanceTemplate';
  name: string;
  version?: string;
}

/**
 * The part of a server group drift is about, as a plain object compared like a manifest: its
 * capacity, its image and what new instances are made from (`launchTemplate: {name, version}` on
 * AWS, `instanceTemplate: {name}` on GCP), so a diff reads `capacity.desired` or
 * `launchTemplate.version`. Health, traffic and instances change by themselves and are left out.
 */
export function serverGroupState(group: { capacity: { min: number; max: number; desired: number }; image: string; template?: ServerGroupTemplateId | undefined }): Record<string, unknown> {
  const { min, max, desired } = group.capacity;
  const template = group.template;
  return {
    capacity: { min, max, desired },
    image: group.image,
    ...(template === undefined ? {} : { [template.type]: { name: template.name, ...(template.version === undefined ? {} : { version: template.version }) } }),
  };
}

/** The notification of a change of drift state: a subject and the fields, desired against live. */
export function driftNotification(resource: DriftResourceId, state: DriftState, fields: readonly DriftField[]): { subject: string; text: string } {
  const what = describeDriftResource(resource);
  if (state === 'in-sync') return { subject: `Drift cleared: ${resource.kind} ${resource.name}`, text: `${what} matches its desired state again.` };
  if (state === 'missing') return { subject: `Drift: ${resource.kind} ${resource.name} is missing`, text: `${what} should exist and does not.` };
  const lines = fields.slice(0, 20).map((field) => `• ${field.path}: desired ${shown(field.desired)}, live ${shown(field.live)}`);
  const more = fields.length > 20 ? [`… and ${fields.length - 20} more fields`] : [];
  return { subject: `Drift: ${resource.kind} ${resource.name} changed outside Gantry`, text: [`${what} differs from its desired state:`, ...lines, ...more].join('\n') };
}

function shown(value: unknown): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The manifests of a drift watch's files (JSON or multi-document YAML), or why a file cannot be read. */
export function readManifestFiles(files: readonly RepositoryFile[]): { manifests: Manifest[]; problems: { path: string; message: string }[] } {
  const manifests: Manifest[] = [];
  const problems: { path: string; message: string }[] = [];
  for (const file of files) {
    let values: unknown[];
    try {
      values = /\.json$/i.test(file.path)
        ? [JSON.parse(file.text) as unknown]
        : parseAllDocuments(file.text, { prettyErrors: false }).flatMap((document) => {
            if (document.errors.length > 0) throw new Error(document.errors[0]?.message.split('\n')[0]);
            return [document.toJS({ maxAliasCount: 100 }) as unknown];
          });
    } catch (error) {
      problems.push({ path: file.path, message: `not ${/\.json$/i.test(file.path) ? 'JSON' : 'YAML'}: ${(error as Error).message}` });
      continue;
    }
    const flat = values.flatMap((value): unknown[] => (isPlainObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? (value.items as unknown[]) : [value]));
    flat.forEach((value, index) => {
      if (value === null || value === undefined) return;
      try {
        manifests.push(checkManifest(value, index));
      } catch (error) {
        if (!(error instanceof ManifestProblem)) throw error;
        problems.push({ path: file.path, message: error.message });
      }
    });
  }
  return { manifests, problems };
}
