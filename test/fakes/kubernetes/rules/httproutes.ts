/**
 * gateway.networking.k8s.io/v1 HTTPRoute: the CRD's schema defaults and the bounds a provider
 * setting traffic weights can exceed (weights are 0..1000000).
 */
import { arrayAt, isObject, objectAt } from '../json';
import type { KubeObject } from '../store';
import type { FieldCause } from '../status';
import { invalidValue, labelCauses, required } from './validation';
import type { ResourceRules } from './types';

export const httpRouteRules: ResourceRules = {
  nameRule: 'subdomain',

  applyDefaults(object) {
    const spec = objectAt(object, 'spec');
    if (!spec) return;
    for (const parent of arrayAt(spec, 'parentRefs') ?? []) {
      if (!isObject(parent)) continue;
      parent.group ??= 'gateway.networking.k8s.io';
      parent.kind ??= 'Gateway';
    }
    const rules = spec.rules ?? [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }];
    spec.rules = rules;
    for (const rule of Array.isArray(rules) ? rules : []) {
      if (!isObject(rule)) continue;
      rule.matches ??= [{ path: { type: 'PathPrefix', value: '/' } }];
      for (const backend of arrayAt(rule, 'backendRefs') ?? []) {
        if (!isObject(backend)) continue;
        backend.group ??= '';
        backend.kind ??= 'Service';
        backend.weight ??= 1;
      }
    }
  },

  validate(object: KubeObject): FieldCause[] {
    const causes: FieldCause[] = [...labelCauses(object.metadata.labels, 'metadata.labels')];
    (arrayAt(object, 'spec', 'rules') ?? []).forEach((rule, r) => {
      (arrayAt(rule, 'backendRefs') ?? []).forEach((backend, b) => {
        const field = `spec.rules[${r}].backendRefs[${b}]`;
        if (!isObject(backend) || typeof backend.name !== 'string' || backend.name === '') causes.push(required(`${field}.name`));
        const weight = isObject(backend) ? backend.weight : undefined;
        if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 1_000_000) {
          causes.push(invalidValue(`${field}.weight`, weight, 'must be an integer between 0 and 1000000'));
        }
      });
    });
    return causes;
  },
};
