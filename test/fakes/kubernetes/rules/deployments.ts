/**
 * apps/v1 Deployment defaulting and validation, the subset of the real rules a provider can
 * trip over: missing selector/template, a selector that does not select the template, an
 * immutable selector, bad replicas, containers without name or image.
 */
import { arrayAt, deepEqual, ensureObject, isObject, objectAt, stringMap, type Json, type JsonObject } from '../json';
import { matchesRequirements, requirementsOfSelector } from '../selectors';
import type { KubeObject } from '../store';
import type { FieldCause } from '../status';
import { invalidValue, isNonNegativeInteger, labelCauses, nameCauses, required } from './validation';
import type { ResourceRules } from './types';

function defaultContainers(list: Json | undefined): void {
  if (!Array.isArray(list)) return;
  for (const container of list) {
    if (!isObject(container)) continue;
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
    if (container.imagePullPolicy === undefined && typeof container.image === 'string') {
      // As the real defaulting: `latest` (or no tag) is always pulled.
      const tagged = /:[^/]+$/.test(container.image) || container.image.includes('@');
      container.imagePullPolicy = !tagged || container.image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
    }
    const ports = container.ports;
    if (Array.isArray(ports)) for (const port of ports) if (isObject(port)) port.protocol ??= 'TCP';
  }
}

export const deploymentRules: ResourceRules = {
  nameRule: 'subdomain',

  applyDefaults(object) {
    const spec = ensureObject(object, 'spec');
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    const strategy = ensureObject(spec, 'strategy');
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling = ensureObject(strategy, 'rollingUpdate');
      rolling.maxUnavailable ??= '25%';
      rolling.maxSurge ??= '25%';
    }
    const podSpec = objectAt(spec, 'template', 'spec');
    if (podSpec) {
      podSpec.restartPolicy ??= 'Always';
      podSpec.terminationGracePeriodSeconds ??= 30;
      podSpec.dnsPolicy ??= 'ClusterFirst';
      podSpec.securityContext ??= {};
      podSpec.schedulerName ??= 'default-scheduler';
      defaultContainers(podSpec.containers);
      defaultContainers(podSpec.initContainers);
    }
  },

  validate(object: KubeObject, old: KubeObject | undefined): FieldCause[] {
    const causes: FieldCause[] = [...labelCauses(object.metadata.labels, 'metadata.labels')];
    const spec = objectAt(object, 'spec');
    if (!spec) return [...causes, required('spec.selector'), required('spec.template')];
    if (!isNonNegativeInteger(spec.replicas)) causes.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));

    const selector = objectAt(spec, 'selector');
    const requirements = selector ? requirementsOfSelector(selector) : [];
    if (!selector) causes.push(required('spec.selector'));
    else if (requirements.length === 0) causes.push(invalidValue('spec.selector', selector, 'empty selector is invalid for deployment'));
    else causes.push(...labelCauses(selector.matchLabels, 'spec.selector.matchLabels'));
    if (old) {
      const oldSelector = objectAt(old, 'spec', 'selector');
      if (selector && !deepEqual(selector, oldSelector)) causes.push(invalidValue('spec.selector', selector, 'field is immutable'));
    }

    const template = objectAt(spec, 'template');
    if (!template) return [...causes, required('spec.template')];
    const templateLabels = objectAt(template, 'metadata', 'labels');
    causes.push(...labelCauses(templateLabels, 'spec.template.metadata.labels'));
    if (requirements.length > 0 && !matchesRequirements(stringMap(templateLabels), requirements)) {
      causes.push(invalidValue('spec.template.metadata.labels', templateLabels ?? null, '`selector` does not match template `labels`'));
    }
    causes.push(...podSpecCauses(objectAt(template, 'spec')));
    return causes;
  },
};

function podSpecCauses(podSpec: JsonObject | undefined): FieldCause[] {
  const containers = arrayAt(podSpec, 'containers');
  if (!podSpec || !containers || containers.length === 0) return [required('spec.template.spec.containers')];
  const causes: FieldCause[] = [];
  if (podSpec.restartPolicy !== 'Always') {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: `Unsupported value: ${JSON.stringify(podSpec.restartPolicy)}: supported values: "Always"` });
  }
  const seen = new Set<string>();
  containers.forEach((container, i) => {
    const field = `spec.template.spec.containers[${i}]`;
    const name = isObject(container) && typeof container.name === 'string' ? container.name : '';
    causes.push(...nameCauses(name, 'label', `${field}.name`));
    if (seen.has(name)) causes.push({ reason: 'FieldValueInvalid', field: `${field}.name`, message: `Duplicate value: ${JSON.stringify(name)}` });
    seen.add(name);
    const image = isObject(container) ? container.image : undefined;
    if (typeof image !== 'string' || image.trim() === '') causes.push(required(`${field}.image`));
  });
  return causes;
}
