/** Per-type rules, looked up by resource name; pods have none because only the controller writes them. */
import { ensureObject, isObject } from '../json';
import type { BuiltInResourceName, FakeResourceName } from '../resources';
import { deploymentRules } from './deployments';
import { httpRouteRules } from './httproutes';
import { namespaceRules } from './namespaces';
import { serviceRules } from './services';
import type { ResourceRules } from './types';
import { labelCauses } from './validation';

const podRules: ResourceRules = {
  nameRule: 'subdomain',
  applyDefaults: () => undefined,
  validate: (object) => labelCauses(object.metadata.labels, 'metadata.labels'),
};

/** ConfigMaps and Secrets are data: the metadata checks, and Secret's `stringData` folded into `data` as the server does. */
const configMapRules: ResourceRules = { ...podRules };
const secretRules: ResourceRules = {
  ...podRules,
  applyDefaults(object) {
    const stringData = object.stringData;
    if (isObject(stringData)) {
      const data = ensureObject(object, 'data');
      for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
      delete object.stringData;
    }
    object.type ??= 'Opaque';
  },
};

/** Jobs get the defaults the API server writes (one pod to completion, six retries). */
const jobRules: ResourceRules = {
  ...podRules,
  applyDefaults(object) {
    const spec = ensureObject(object, 'spec');
    spec.backoffLimit ??= 6;
    spec.completions ??= 1;
    spec.parallelism ??= 1;
  },
};

/** StatefulSets get the defaults the API server writes that Spinnaker's stability rule reads. */
const statefulSetRules: ResourceRules = {
  ...podRules,
  applyDefaults(object) {
    const spec = ensureObject(object, 'spec');
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    ensureObject(spec, 'updateStrategy').type ??= 'RollingUpdate';
  },
};

const RULES: Record<BuiltInResourceName, ResourceRules> = {
  namespaces: namespaceRules,
  pods: podRules,
  configmaps: configMapRules,
  secrets: secretRules,
  replicasets: podRules,
  daemonsets: podRules,
  statefulsets: statefulSetRules,
  ingresses: podRules,
  networkpolicies: podRules,
  jobs: jobRules,
  customresourcedefinitions: podRules,
  services: serviceRules,
  deployments: deploymentRules,
  httproutes: httpRouteRules,
};

/** Custom resources get the metadata checks only: the fake does not validate against their schemas. */
export function rulesFor(name: FakeResourceName): ResourceRules {
  return (RULES as Record<string, ResourceRules | undefined>)[name] ?? podRules;
}

export type { ResourceRules } from './types';
export { annotationCauses, nameCauses } from './validation';
