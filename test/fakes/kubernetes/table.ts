/**
 * Server-side printing: `kubectl get` (without -o) asks for `meta.k8s.io/v1 Table` and shows
 * these columns, so the standalone fake reads like a cluster. Clients asking for plain JSON never
 * see this.
 */
import { arrayAt, isObject, numberAt, objectAt, stringAt, stringMap, type Json, type JsonObject } from './json';
import type { ResourceType } from './resources';
import type { KubeObject } from './store';

interface Column {
  name: string;
  type: 'string' | 'integer';
  /** 1 = only with `-o wide`. */
  priority?: number;
  cell(object: KubeObject): string | number;
}

/** As kubectl prints ages: 45s, 3m12s, 17m, 5h3m, 2d. */
function age(object: KubeObject): string {
  const created = Date.parse(stringAt(object, 'metadata', 'creationTimestamp') ?? '');
  if (Number.isNaN(created)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((Date.now() - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60}m`;
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

const NAME: Column = { name: 'Name', type: 'string', cell: (o) => stringAt(o, 'metadata', 'name') ?? '' };
const AGE: Column = { name: 'Age', type: 'string', cell: age };
const count = (o: KubeObject, ...path: string[]): number => numberAt(o, ...path) ?? 0;
const containers = (o: KubeObject, ...path: string[]): JsonObject[] => (arrayAt(o, ...path) ?? []).filter(isObject);
const joined = (values: Json[]): string => values.map((v) => String(v ?? '')).join(',') || '<none>';
const selector = (labels: Record<string, string>): string => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';

function podStatus(pod: KubeObject): string {
  for (const status of containers(pod, 'status', 'containerStatuses')) {
    const waiting = stringAt(status, 'state', 'waiting', 'reason');
    if (waiting) return waiting;
  }
  return stringAt(pod, 'status', 'phase') ?? 'Unknown';
}

const COLUMNS: Record<string, Column[]> = {
  deployments: [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${count(o, 'status', 'readyReplicas')}/${count(o, 'spec', 'replicas')}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => count(o, 'status', 'updatedReplicas') },
    { name: 'Available', type: 'integer', cell: (o) => count(o, 'status', 'availableReplicas') },
    AGE,
    { name: 'Containers', type: 'string', priority: 1, cell: (o) => joined(containers(o, 'spec', 'template', 'spec', 'containers').map((c) => c.name ?? '')) },
    { name: 'Images', type: 'string', priority: 1, cell: (o) => joined(containers(o, 'spec', 'template', 'spec', 'containers').map((c) => c.image ?? '')) },
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => selector(stringMap(objectAt(o, 'spec', 'selector', 'matchLabels'))) },
  ],
  pods: [
    NAME,
    {
      name: 'Ready', type: 'string',
      cell: (o) => `${containers(o, 'status', 'containerStatuses').filter((c) => c.ready === true).length}/${containers(o, 'spec', 'containers').length}`,
    },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'integer', cell: (o) => containers(o, 'status', 'containerStatuses').reduce((sum, c) => sum + (typeof c.restartCount === 'number' ? c.restartCount : 0), 0) },
    AGE,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => stringAt(o, 'status', 'podIP') ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => stringAt(o, 'spec', 'nodeName') ?? '<none>' },
  ],
  services: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => stringAt(o, 'spec', 'type') ?? '' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => stringAt(o, 'spec', 'clusterIP') ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', cell: (o) => containers(o, 'spec', 'ports').map((p) => `${String(p.port)}/${String(p.protocol ?? 'TCP')}`).join(',') || '<none>' },
    AGE,
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => selector(stringMap(objectAt(o, 'spec', 'selector'))) },
  ],
  configmaps: [NAME, { name: 'Data', type: 'integer', cell: (o) => Object.keys(objectAt(o, 'data') ?? {}).length + Object.keys(objectAt(o, 'binaryData') ?? {}).length }, AGE],
  secrets: [NAME, { name: 'Type', type: 'string', cell: (o) => stringAt(o, 'type') ?? '' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(objectAt(o, 'data') ?? {}).length }, AGE],
  replicasets: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => count(o, 'spec', 'replicas') },
    { name: 'Current', type: 'integer', cell: (o) => count(o, 'status', 'replicas') },
    { name: 'Ready', type: 'integer', cell: (o) => count(o, 'status', 'readyReplicas') },
    AGE,
  ],
  namespaces: [NAME, { name: 'Status', type: 'string', cell: (o) => stringAt(o, 'status', 'phase') ?? '' }, AGE],
  httproutes: [NAME, { name: 'Hostnames', type: 'string', cell: (o) => joined(arrayAt(o, 'spec', 'hostnames') ?? []) }, AGE],
};

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part));
}

/** A list or a single object as a Table; rows carry the object's metadata as kubectl expects. */
export function toTable(resource: ResourceType, body: JsonObject, includeObject: string | null): JsonObject {
  const columns = COLUMNS[resource.name] ?? [NAME, AGE];
  const isList = Array.isArray(body.items);
  const objects = (isList ? (body.items as Json[]) : [body]).filter(isObject) as KubeObject[];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: stringAt(body, 'metadata', 'resourceVersion') ?? '' },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c === NAME ? 'name' : '', description: '', priority: c.priority ?? 0 })),
    rows: objects.map((object) => ({
      cells: columns.map((c) => c.cell(object)),
      object: includeObject === 'Object'
        ? object
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}
