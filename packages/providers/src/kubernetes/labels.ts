/** The labels and annotations by which Gantry recognises and describes what it deployed. */
export const LABELS = {
  application: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  cluster: 'gantry.io/cluster',
  serverGroup: 'gantry.io/server-group',
  /** On pods (and the pod template): whether the cluster's Service sends them traffic. */
  traffic: 'gantry.io/traffic',
} as const;

export const MANAGED_BY = 'gantry';

export const ANNOTATIONS = {
  /** The image as deployed (pinned by digest when one was known). */
  image: 'gantry.io/image',
  capacityMin: 'gantry.io/capacity-min',
  capacityMax: 'gantry.io/capacity-max',
  /** Mirrors the template's traffic label, for people reading the Deployment. */
  enabled: 'gantry.io/enabled',
} as const;

export type TrafficLabel = 'enabled' | 'disabled';

export function trafficLabel(enabled: boolean): TrafficLabel {
  return enabled ? 'enabled' : 'disabled';
}

/** `a=b,c=d`, for list calls. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
