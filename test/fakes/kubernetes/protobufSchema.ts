/**
 * Field numbers (from k8s.io/api and apimachinery generated.proto) for the parts of the objects
 * that kubectl's `create` generators fill in. Fields not listed are skipped.
 */
export type ProtoField =
  | { name: string; type: 'string' | 'int' | 'bool' | 'intOrString' | 'time'; repeated?: boolean; keepZero?: boolean }
  | { name: string; type: 'map'; repeated?: false; keepZero?: false }
  | { name: string; type: 'message'; message: () => ProtoMessage; repeated?: boolean; keepZero?: boolean };

export type ProtoMessage = Record<number, ProtoField>;

const objectMeta: ProtoMessage = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  11: { name: 'labels', type: 'map' },
  12: { name: 'annotations', type: 'map' },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const labelSelectorRequirement: ProtoMessage = {
  1: { name: 'key', type: 'string' },
  2: { name: 'operator', type: 'string' },
  3: { name: 'values', type: 'string', repeated: true },
};

const labelSelector: ProtoMessage = {
  1: { name: 'matchLabels', type: 'map' },
  2: { name: 'matchExpressions', type: 'message', message: () => labelSelectorRequirement, repeated: true },
};

const containerPort: ProtoMessage = {
  1: { name: 'name', type: 'string' },
  2: { name: 'hostPort', type: 'int' },
  3: { name: 'containerPort', type: 'int' },
  4: { name: 'protocol', type: 'string' },
  5: { name: 'hostIP', type: 'string' },
};

const envVar: ProtoMessage = {
  1: { name: 'name', type: 'string' },
  2: { name: 'value', type: 'string' },
};

const container: ProtoMessage = {
  1: { name: 'name', type: 'string' },
  2: { name: 'image', type: 'string' },
  3: { name: 'command', type: 'string', repeated: true },
  4: { name: 'args', type: 'string', repeated: true },
  5: { name: 'workingDir', type: 'string' },
  6: { name: 'ports', type: 'message', message: () => containerPort, repeated: true },
  7: { name: 'env', type: 'message', message: () => envVar, repeated: true },
  13: { name: 'terminationMessagePath', type: 'string' },
  14: { name: 'imagePullPolicy', type: 'string' },
  20: { name: 'terminationMessagePolicy', type: 'string' },
};

const podSpec: ProtoMessage = {
  2: { name: 'containers', type: 'message', message: () => container, repeated: true },
  3: { name: 'restartPolicy', type: 'string' },
  4: { name: 'terminationGracePeriodSeconds', type: 'int', keepZero: true },
  6: { name: 'dnsPolicy', type: 'string' },
  7: { name: 'nodeSelector', type: 'map' },
  8: { name: 'serviceAccountName', type: 'string' },
  19: { name: 'schedulerName', type: 'string' },
  20: { name: 'initContainers', type: 'message', message: () => container, repeated: true },
};

const podTemplateSpec: ProtoMessage = {
  1: { name: 'metadata', type: 'message', message: () => objectMeta },
  2: { name: 'spec', type: 'message', message: () => podSpec },
};

const rollingUpdate: ProtoMessage = {
  1: { name: 'maxUnavailable', type: 'intOrString' },
  2: { name: 'maxSurge', type: 'intOrString' },
};

const deploymentStrategy: ProtoMessage = {
  1: { name: 'type', type: 'string' },
  2: { name: 'rollingUpdate', type: 'message', message: () => rollingUpdate },
};

const deploymentSpec: ProtoMessage = {
  // Pointer fields (replicas, revisionHistoryLimit, progressDeadlineSeconds) are only written when set: keep a 0.
  1: { name: 'replicas', type: 'int', keepZero: true },
  2: { name: 'selector', type: 'message', message: () => labelSelector },
  3: { name: 'template', type: 'message', message: () => podTemplateSpec },
  4: { name: 'strategy', type: 'message', message: () => deploymentStrategy },
  5: { name: 'minReadySeconds', type: 'int' },
  6: { name: 'revisionHistoryLimit', type: 'int', keepZero: true },
  7: { name: 'paused', type: 'bool' },
  9: { name: 'progressDeadlineSeconds', type: 'int', keepZero: true },
};

const servicePort: ProtoMessage = {
  1: { name: 'name', type: 'string' },
  2: { name: 'protocol', type: 'string' },
  3: { name: 'port', type: 'int' },
  4: { name: 'targetPort', type: 'intOrString' },
  5: { name: 'nodePort', type: 'int' },
};

const serviceSpec: ProtoMessage = {
  1: { name: 'ports', type: 'message', message: () => servicePort, repeated: true },
  2: { name: 'selector', type: 'map' },
  3: { name: 'clusterIP', type: 'string' },
  4: { name: 'type', type: 'string' },
  7: { name: 'sessionAffinity', type: 'string' },
  10: { name: 'externalName', type: 'string' },
};

const namespaceSpec: ProtoMessage = {
  1: { name: 'finalizers', type: 'string', repeated: true },
};

function topLevel(spec: ProtoMessage): ProtoMessage {
  return {
    1: { name: 'metadata', type: 'message', message: () => objectMeta },
    2: { name: 'spec', type: 'message', message: () => spec },
  };
}

export const PROTO_KINDS: Record<string, ProtoMessage> = {
  Deployment: topLevel(deploymentSpec),
  Service: topLevel(serviceSpec),
  Namespace: topLevel(namespaceSpec),
};
