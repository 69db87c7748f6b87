export { KubernetesProvider, type KubernetesProviderOptions } from './KubernetesProvider';
export { buildKubeConfig } from './kubeConfig';
export { toProviderError as kubernetesErrorToProviderError, kindForStatus as kubernetesErrorKind, type KubernetesErrorContext } from './errors';
export { ANNOTATIONS as KUBERNETES_ANNOTATIONS, LABELS as KUBERNETES_LABELS } from './labels';
export {
  kubernetesServerGroupSettingsSchema,
  DEFAULT_CONTAINER_PORT,
  type KubernetesServerGroupSettings,
  type KubernetesServerGroupSettingsInput,
} from './settings';
export { pinImage } from './manifests';
export { manifestsFor, KubernetesManifests, FIELD_MANAGER, type ApiResource, type KubeJson, type PatchKind } from './manifestClient';
