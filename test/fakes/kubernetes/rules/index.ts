/** Per-type rules, looked up by resource name; pods have none because only the controller writes them. */
import type { FakeResourceName } from '../resources';
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

const RULES: Record<FakeResourceName, ResourceRules> = {
  namespaces: namespaceRules,
  pods: podRules,
  services: serviceRules,
  deployments: deploymentRules,
  httproutes: httpRouteRules,
};

export function rulesFor(name: FakeResourceName): ResourceRules {
  return RULES[name];
}

export type { ResourceRules } from './types';
export { annotationCauses, nameCauses } from './validation';
