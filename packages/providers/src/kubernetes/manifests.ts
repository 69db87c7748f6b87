import type { V1Deployment, V1Probe, V1Service } from '@kubernetes/client-node';
import type { ServerGroupSpec } from '../CloudProvider';
import { ANNOTATIONS, LABELS, MANAGED_BY, trafficLabel } from './labels';
import { DEFAULT_CONTAINER_PORT, type KubernetesServerGroupSettings } from './settings';

/** Pure builders of the objects a server group is made of; the provider only sends them. */

/**
 * The image reference to deploy: pinned by digest when one is known, so that every pod of a server
 * group runs the same bits even if the tag moves. Throws when the reference and the digest disagree.
 */
export function pinImage(image: string, digest?: string): string {
  const at = image.indexOf('@sha256:');
  if (at >= 0) {
    if (digest !== undefined && image.slice(at + 1) !== digest) {
      throw new Error(`image ${image} is already pinned to another digest than imageDigest ${digest}`);
    }
    return image;
  }
  return digest === undefined ? image : `${image}@${digest}`;
}

function identityLabels(application: string, cluster: string): Record<string, string> {
  return { [LABELS.application]: application, [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster };
}

export function serverGroupLabels(application: string, cluster: string, serverGroup: string): Record<string, string> {
  return { ...identityLabels(application, cluster), [LABELS.serverGroup]: serverGroup };
}

export interface DeploymentInput {
  spec: ServerGroupSpec;
  namespace: string;
  settings: KubernetesServerGroupSettings;
}

export function buildDeployment({ spec, namespace, settings }: DeploymentInput): V1Deployment {
  const labels = serverGroupLabels(spec.application, spec.cluster, spec.name);
  const enabled = spec.enabled ?? true;
  const image = pinImage(spec.image, settings.imageDigest);
  const containerPort = settings.containerPort ?? DEFAULT_CONTAINER_PORT;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: spec.name,
      namespace,
      labels,
      annotations: {
        ...spec.tags,
        [ANNOTATIONS.image]: image,
        [ANNOTATIONS.capacityMin]: String(spec.capacity.min),
        [ANNOTATIONS.capacityMax]: String(spec.capacity.max),
        [ANNOTATIONS.enabled]: String(enabled),
      },
    },
    spec: {
      replicas: spec.capacity.desired,
      // The selector is immutable in Kubernetes; the server group label alone never needs to change.
      selector: { matchLabels: { [LABELS.serverGroup]: spec.name } },
      template: {
        metadata: { labels: { ...labels, [LABELS.traffic]: trafficLabel(enabled) } },
        spec: {
          containers: [
            {
              name: settings.containerName ?? spec.application,
              image,
              ports: [{ name: 'http', containerPort, protocol: 'TCP' }],
              ...(settings.env ? { env: settings.env } : {}),
              ...(settings.resources ? { resources: settings.resources } : {}),
              ...(settings.readinessProbe ? { readinessProbe: buildProbe(settings.readinessProbe, containerPort) } : {}),
            },
          ],
        },
      },
    },
  };
}

function buildProbe(probe: NonNullable<KubernetesServerGroupSettings['readinessProbe']>, containerPort: number): V1Probe {
  const { httpGet, tcpSocket, exec, ...timing } = probe;
  return {
    ...timing,
    ...(httpGet ? { httpGet: { ...httpGet, port: httpGet.port ?? containerPort } } : {}),
    ...(tcpSocket ? { tcpSocket: { port: tcpSocket.port ?? containerPort } } : {}),
    ...(exec ? { exec } : {}),
  };
}

export interface ServiceInput {
  application: string;
  cluster: string;
  namespace: string;
  port: number;
}

/**
 * The cluster's Service, named after the cluster: it selects the pods of every server group whose
 * traffic label is enabled, so enable/disable is a label flip and no Service edit.
 */
export function buildClusterService({ application, cluster, namespace, port }: ServiceInput): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: cluster, namespace, labels: identityLabels(application, cluster) },
    spec: {
      selector: { [LABELS.cluster]: cluster, [LABELS.traffic]: 'enabled' },
      ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }],
    },
  };
}

/**
 * One Service per server group, the backend an HTTPRoute or a TrafficSplit weighs. Owned by the Deployment, so a real
 * cluster's garbage collector removes it with the server group.
 */
export function buildServerGroupService(input: ServiceInput & { serverGroup: string; owner?: { name: string; uid: string } }): V1Service {
  const { application, cluster, namespace, port, serverGroup, owner } = input;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serverGroup,
      namespace,
      labels: serverGroupLabels(application, cluster, serverGroup),
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, uid: owner.uid, blockOwnerDeletion: false }] }
        : {}),
    },
    spec: {
      selector: { [LABELS.serverGroup]: serverGroup },
      ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }],
    },
  };
}
