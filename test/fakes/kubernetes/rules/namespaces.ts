/** v1 Namespace: what the real server fills in, so `kubectl get ns` and clients see an Active namespace. */
import { ensureObject, stringAt } from '../json';
import { labelCauses } from './validation';
import type { ResourceRules } from './types';

export const namespaceRules: ResourceRules = {
  nameRule: 'label',
  applyDefaults(object) {
    const labels = ensureObject(object, 'metadata', 'labels');
    labels['kubernetes.io/metadata.name'] = stringAt(object, 'metadata', 'name') ?? '';
    ensureObject(object, 'spec').finalizers ??= ['kubernetes'];
    ensureObject(object, 'status').phase = 'Active';
  },
  validate: (object) => labelCauses(object.metadata.labels, 'metadata.labels'),
};
