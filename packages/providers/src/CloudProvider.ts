/**
 * One interface for every cloud, shaped by server groups, so that deploy strategies are written
 * once (docs/architecture.md "Providers"). Every method is idempotent: calling it again after a crash, with
 * the same arguments, converges on the same state and never creates a second resource.
 */
import type { RequestRouting, ServerGroupTemplateId } from '@gantry/core';

export type { RequestRouting, ServerGroupTemplateId } from '@gantry/core';

export type ProviderKind = 'aws' | 'gcp' | 'kubernetes' | 'local';

export interface Capacity {
  min: number;
  max: number;
  desired: number;
}

/** Where a cluster lives: account plus region (AWS/GCP) or namespace (Kubernetes). */
export interface ClusterRef {
  account: string;
  /** Region for aws/gcp; namespace for kubernetes (defaults to the account's namespace). */
  location?: string;
  application: string;
  /** `application[-stack[-detail]]`, e.g. `checkout-prod-canary`. */
  cluster: string;
}

export interface ServerGroupRef {
  account: string;
  location?: string;
  /** `cluster-vNNN`, e.g. `checkout-prod-v007`. */
  name: string;
}

export interface ServerGroupSpec {
  account: string;
  location?: string;
  application: string;
  cluster: string;
  /** The full server group name, `cluster-vNNN` (the caller picks the next sequence). */
  name: string;
  image: string;
  capacity: Capacity;
  /** Whether the new group takes traffic as soon as it is up. Strategies usually create it disabled. */
  enabled?: boolean;
  /** Provider-specific settings (ports, env, instance type, health check path…). */
  settings?: Record<string, unknown>;
  tags?: Record<string, string>;
}

export interface ServerGroup {
  account: string;
  location?: string;
  application: string;
  cluster: string;
  name: string;
  /** vNNN as a number (0..999). */
  sequence: number;
  image: string;
  capacity: Capacity;
  /** Taking traffic. */
  enabled: boolean;
  createdAt: Date;
  health: Health;
  /**
   * Set when the provider knows the instances will not get up by waiting (e.g. they keep exiting
   * at start), with what it knows (exit code, last stderr lines): waitForUpInstances fails on it.
   */
  failure?: string;
  /**
   * What the group makes new instances from, as the cloud has it now (aws: the Auto Scaling
   * group's launch template and version; gcp: the managed instance group's instance template), so
   * drift sees a template swapped outside Gantry. Absent where there is no such thing (kubernetes, local).
   */
  template?: ServerGroupTemplateId;
  /** Provider-specific details worth showing (resource ids, conditions). */
  details?: Record<string, unknown>;
}

export interface Health {
  desired: number;
  up: number;
  down: number;
  unknown: number;
}

/** One instance of a server group, as `terminateInstances` addresses it. */
export interface ServerGroupInstance {
  /**
   * Names one incarnation (an EC2 instance id, a pod name, a GCE instance id, a local process):
   * the replacement the group starts for a terminated instance has another id.
   */
  id: string;
  /** In service and passing its health checks (what Health counts as up). */
  healthy: boolean;
}

export interface BakeRequest {
  account: string;
  /** The region (aws/gcp) the image is built in; the account's default when absent. */
  location?: string;
  /**
   * Absent: rosco's bake of an empty package, nothing installed, the base image as the builder
   * leaves it (named `all-…`, or by `baseName`).
   */
  package?: string;
  version: string;
  baseImage?: string;
  /** The image name's stem instead of the package (Spinnaker's bake `baseName`, rosco's `base_name`). */
  baseName?: string;
  /** Further regions the image must be available in (aws copies the AMI there). */
  copyTo?: string[];
  settings?: Record<string, unknown>;
}

export type ImageState = 'pending' | 'available';

export interface Image {
  /** The image id in the bake's own location (an AMI id, a GCE image name, a digest, a build id). */
  id: string;
  name: string;
  /** Whether an existing image for the same inputs was found instead of starting a new bake. */
  reused: boolean;
  /**
   * Clouds build images for minutes, and no worker may wait that long inside a call: bake starts
   * the build (or finds it) and returns at once; the bake task calls bake again, which is
   * idempotent, until the image is `available`. Absent means available.
   */
  state?: ImageState;
  /** Image ids by region, the bake's own location included, once copies exist (aws). */
  regions?: Record<string, string>;
  details?: Record<string, unknown>;
}

export interface CloudProvider {
  readonly kind: ProviderKind;
  /** Reuses an existing image for the same inputs; idempotent, polled until `state` is available. */
  bake(request: BakeRequest): Promise<Image>;
  /** Idempotent by name: a second call finds and returns the group the first one made. */
  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup>;
  getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null>;
  listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]>;
  resize(ref: ServerGroupRef, capacity: Capacity): Promise<void>;
  /** Put into traffic. */
  enable(ref: ServerGroupRef): Promise<void>;
  /** Take out of traffic, keep instances. */
  disable(ref: ServerGroupRef): Promise<void>;
  /** Weights by server group name, summing to 100. */
  setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void>;
  /**
   * An A/B split by request (docs/ab-testing.md): requests matching `routing.rules` (or its sticky
   * percentage) go to `routing.variant`, every other one to `routing.control`; both are put into
   * traffic, the cluster's other groups out. It replaces the cluster's weights, and
   * setTrafficWeights, enable or disable end it (the rules are gone with them). Idempotent: the
   * same routing again changes nothing. A router that cannot carry a rule throws Fatal naming it
   * (the pipeline save refuses such a stage first, see core's `routingIssues`).
   */
  setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void>;
  /**
   * Idempotent: a group that is already gone is done, so a task re-run after a crash, or a second
   * poll while the cloud finishes deleting, succeeds instead of failing on NotFound.
   */
  destroy(ref: ServerGroupRef): Promise<void>;
  health(ref: ServerGroupRef): Promise<Health>;
  /** The group's instances, those already leaving it (terminating, being deleted) left out. */
  listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]>;
  /**
   * Terminates these instances and lets the group replace them: its capacity is unchanged (chaos,
   * not a scale-down). Idempotent: an id that is already gone or leaving is done, and since a
   * replacement has a new id, a repeat after a crash never terminates the replacement.
   */
  terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void>;
}
