import type { protos } from '@google-cloud/compute';
import type { Capacity, ServerGroupSpec } from '../CloudProvider';
import {
  LABELS,
  MANAGED_BY,
  METADATA,
  baseInstanceName,
  imagePath,
  instanceTemplatePath,
  labelValue,
  networkPath,
  subnetworkPath,
  templateName,
  zonePath,
} from './names';
import type { GcpServerGroupSettings } from './settings';

/** Pure builders of the instance template and MIG a server group is made of. */

type InstanceTemplate = protos.google.cloud.compute.v1.IInstanceTemplate;
type InstanceGroupManager = protos.google.cloud.compute.v1.IInstanceGroupManager;

export interface Placement {
  project: string;
  region: string;
  /** Account-level defaults the settings may override. */
  network?: string;
  subnetwork?: string;
  machineType?: string;
  /** The account's zones for this region. */
  zones?: readonly string[];
}

export interface BackendServiceRef {
  name: string;
  /** Regional (in the group's region) rather than global. */
  regional: boolean;
}

/** `global/NAME` or `regional/NAME`: one backend service, whichever group's template names it. */
export function backendServiceKey(service: BackendServiceRef): string {
  return `${service.regional ? 'regional' : 'global'}/${service.name}`;
}

export function machineTypeOf(settings: GcpServerGroupSettings, placement: Placement): string | undefined {
  return settings.instanceType ?? settings.machineType ?? placement.machineType;
}

/**
 * The template of one server group. Its name is derived from its content, so the same spec always
 * yields the same template, and the labels say which group it belongs to.
 */
export function buildInstanceTemplate(spec: ServerGroupSpec, settings: GcpServerGroupSettings, placement: Placement, machineType: string): InstanceTemplate {
  const { project, region } = placement;
  const labels: Record<string, string> = {
    ...(settings.labels ?? {}),
    ...Object.fromEntries(Object.entries(spec.tags ?? {}).map(([key, value]) => [labelValue(key), labelValue(value)])),
    [LABELS.application]: labelValue(spec.application),
    [LABELS.cluster]: labelValue(spec.cluster),
    [LABELS.serverGroup]: labelValue(spec.name),
    [LABELS.managedBy]: MANAGED_BY,
  };
  const metadata: Record<string, string> = { ...(settings.metadata ?? {}) };
  if (settings.startupScript !== undefined) metadata[METADATA.startupScript] = settings.startupScript;
  if (settings.backendService !== undefined) {
    metadata[settings.regionalBackendService ? METADATA.regionBackendServices : METADATA.backendServices] = settings.backendService;
    if (settings.urlMap !== undefined) metadata[METADATA.urlMap] = settings.urlMap;
  }
  const subnetwork = settings.subnetwork ?? placement.subnetwork;
  const properties: protos.google.cloud.compute.v1.IInstanceProperties = {
    machineType,
    labels,
    disks: [{ boot: true, autoDelete: true, type: 'PERSISTENT', initializeParams: { sourceImage: imagePath(project, spec.image) } }],
    networkInterfaces: [
      {
        network: networkPath(project, settings.network ?? placement.network ?? 'default'),
        ...(subnetwork === undefined ? {} : { subnetwork: subnetworkPath(project, region, subnetwork) }),
      },
    ],
    ...(settings.tags === undefined || settings.tags.length === 0 ? {} : { tags: { items: [...settings.tags] } }),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) } }),
    ...(settings.preemptible ? { scheduling: { preemptible: true, automaticRestart: false, onHostMaintenance: 'TERMINATE' } } : {}),
  };
  const description = `Gantry server group ${spec.name} (image ${spec.image})`;
  return { name: templateName(spec.name, { description, properties }), description, properties };
}

/**
 * What Gantry keeps on the MIG, which has no labels: its description holds the group's
 * application, cluster and image as the spec named them, and min/max (a MIG without an autoscaler
 * has only a target size). resize rewrites it with a patch.
 */
export interface MigDescription {
  gantry: { application: string; cluster: string; image: string; min: number; max: number };
}

export function describeMig(about: { application: string; cluster: string; image: string }, capacity: Pick<Capacity, 'min' | 'max'>): string {
  const description: MigDescription = { gantry: { application: about.application, cluster: about.cluster, image: about.image, min: capacity.min, max: capacity.max } };
  return JSON.stringify(description);
}

export function readMigDescription(description: string | null | undefined): MigDescription['gantry'] | undefined {
  if (!description) return undefined;
  try {
    const value = (JSON.parse(description) as Partial<MigDescription> | null)?.gantry;
    if (typeof value !== 'object' || value === null) return undefined;
    const { application, cluster, image, min, max } = value;
    if (typeof application !== 'string' || typeof cluster !== 'string' || typeof image !== 'string') return undefined;
    if (!Number.isInteger(min) || !Number.isInteger(max)) return undefined;
    return { application, cluster, image, min, max };
  } catch {
    return undefined;
  }
}

export function buildInstanceGroupManager(spec: ServerGroupSpec, settings: GcpServerGroupSettings, placement: Placement, template: string): InstanceGroupManager {
  const zones = settings.zones ?? placement.zones;
  return {
    name: spec.name,
    description: describeMig(spec, spec.capacity),
    baseInstanceName: baseInstanceName(spec.name),
    instanceTemplate: instanceTemplatePath(placement.project, template),
    targetSize: spec.capacity.desired,
    ...(settings.namedPorts === undefined ? {} : { namedPorts: settings.namedPorts }),
    ...(zones === undefined || zones.length === 0 ? {} : { distributionPolicy: { zones: zones.map((zone) => ({ zone: zonePath(placement.project, zone) })) } }),
  };
}

/** The backend service a group's template names (Spinnaker's metadata keys), if any. */
export function backendServiceOf(template: InstanceTemplate | null | undefined): BackendServiceRef | undefined {
  const items = template?.properties?.metadata?.items ?? [];
  const value = (key: string) => items.find((item) => item.key === key)?.value?.split(',')[0]?.trim() || undefined;
  const global = value(METADATA.backendServices);
  if (global !== undefined) return { name: global, regional: false };
  const regional = value(METADATA.regionBackendServices);
  return regional === undefined ? undefined : { name: regional, regional: true };
}

/** The URL map a group's template names (settings.urlMap), if any. */
export function urlMapOf(template: InstanceTemplate | null | undefined): string | undefined {
  const items = template?.properties?.metadata?.items ?? [];
  return items.find((item) => item.key === METADATA.urlMap)?.value?.trim() || undefined;
}
