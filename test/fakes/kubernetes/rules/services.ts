/**
 * v1 Service defaulting and validation. The cluster IP is allocated once and kept across
 * updates that omit it, as the real API server does, so a provider can PUT a freshly rendered
 * Service without first copying the allocated fields.
 */
import { arrayAt, ensureObject, isObject, objectAt } from '../json';
import type { KubeObject } from '../store';
import type { FieldCause } from '../status';
import { invalidValue, labelCauses, required } from './validation';
import type { ResourceRules } from './types';

let nextIp = 1;

function allocateClusterIP(): string {
  const n = nextIp++;
  return `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
}

export const serviceRules: ResourceRules = {
  nameRule: 'dns1035',

  applyDefaults(object, old) {
    const spec = ensureObject(object, 'spec');
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    const oldSpec = objectAt(old, 'spec');
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = typeof oldSpec?.clusterIP === 'string' ? oldSpec.clusterIP : allocateClusterIP();
    }
    spec.clusterIPs ??= [spec.clusterIP];
    if (spec.clusterIP !== 'None') {
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    const ports = spec.ports;
    if (Array.isArray(ports)) {
      for (const port of ports) {
        if (!isObject(port)) continue;
        port.protocol ??= 'TCP';
        if (port.targetPort === undefined) port.targetPort = port.port ?? null;
      }
    }
    object.status ??= { loadBalancer: {} };
  },

  validate(object: KubeObject, old: KubeObject | undefined): FieldCause[] {
    const causes: FieldCause[] = [...labelCauses(object.metadata.labels, 'metadata.labels')];
    const spec = objectAt(object, 'spec');
    causes.push(...labelCauses(spec?.selector, 'spec.selector'));
    const ports = arrayAt(object, 'spec', 'ports') ?? [];
    if (ports.length === 0 && spec?.clusterIP !== 'None') causes.push(required('spec.ports'));
    ports.forEach((port, i) => {
      const value = isObject(port) ? port.port : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
        causes.push(invalidValue(`spec.ports[${i}].port`, value, 'must be between 1 and 65535, inclusive'));
      }
      if (ports.length > 1 && !(isObject(port) && typeof port.name === 'string' && port.name !== '')) {
        causes.push(required(`spec.ports[${i}].name`));
      }
    });
    const oldIp = objectAt(old, 'spec')?.clusterIP;
    if (old && spec && spec.clusterIP !== oldIp) causes.push(invalidValue('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set'));
    return causes;
  },
};
