/**
 * ELBv2 listeners with `forward` default actions: one target group, or several with weights
 * (ForwardConfig), which is how traffic is split between server groups.
 */
import type { ActionTable } from '../context';
import { listenerArn } from '../ids';
import type { ForwardAction, Listener, LoadBalancer } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { members, type XmlList, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { loadBalancersUsing } from './associations';
import { findLoadBalancer } from './loadBalancers';
import { findTargetGroup } from './targetGroups';

const PROTOCOLS: Record<string, string[]> = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS', 'UDP', 'TCP_UDP'] };
const MAX_TARGET_GROUPS = 5;
const MAX_WEIGHT = 999;

function listenerNotFound(): AwsError {
  return new AwsError('ListenerNotFound', 'One or more listeners not found');
}

export function findListener(region: RegionState, arn: string): Listener {
  const listener = region.listeners.get(arn);
  if (!listener) throw listenerNotFound();
  return listener;
}

/** `DefaultActions` of a listener, `Actions` of a rule: forward only. */
export function readActions(params: QueryParams, region: RegionState, lb: LoadBalancer, list = 'DefaultActions'): ForwardAction[] {
  const actions = params.list(list);
  if (actions.length === 0) throw validationError(`1 validation error detected: Value null at '${list[0]?.toLowerCase()}${list.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return actions.map((action) => {
    const type = action.requiredString('Type');
    if (type !== 'forward') throw validationError(`Action type '${type}' is not supported by the fake (forward only)`);
    const single = action.string('TargetGroupArn');
    const config = action.child('ForwardConfig');
    const weighted = config?.list('TargetGroups').map((tuple) => ({ arn: tuple.requiredString('TargetGroupArn'), weight: tuple.integer('Weight') ?? 1 })) ?? [];
    if (single !== undefined && weighted.length > 0 && (weighted.length !== 1 || weighted[0]?.arn !== single)) {
      throw validationError('You cannot specify both a target group ARN and a ForwardConfig with different target groups');
    }
    const targetGroups = weighted.length > 0 ? weighted : single !== undefined ? [{ arn: single, weight: 1 }] : [];
    if (targetGroups.length === 0) throw validationError('A target group ARN or a ForwardConfig must be specified for a forward action');
    if (targetGroups.length > MAX_TARGET_GROUPS) throw validationError(`A forward action can have at most ${MAX_TARGET_GROUPS} target groups`);
    for (const { arn, weight } of targetGroups) {
      if (weight < 0 || weight > MAX_WEIGHT) throw validationError(`Target group weight '${weight}' must be between 0 and ${MAX_WEIGHT}`);
      const group = findTargetGroup(region, arn);
      if (group.vpcId !== undefined && group.vpcId !== lb.vpcId) throw validationError(`The target group '${arn}' is not in the load balancer's VPC '${lb.vpcId}'`);
      const others = loadBalancersUsing(region, arn).filter((other) => other !== lb.arn);
      if (others.length > 0) throw new AwsError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${arn}`);
    }
    const stickiness = config?.child('TargetGroupStickinessConfig');
    return {
      targetGroups,
      stickiness: { enabled: stickiness?.boolean('Enabled') ?? false, durationSeconds: stickiness?.integer('DurationSeconds') },
    };
  });
}

function checkPort(region: RegionState, lb: LoadBalancer, port: number, protocol: string, except?: string): void {
  if (port < 1 || port > 65535) throw validationError(`Port '${port}' must be between 1 and 65535`);
  if (!(PROTOCOLS[lb.type] ?? []).includes(protocol)) throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported for ${lb.type} load balancers`);
  if (protocol === 'HTTPS' || protocol === 'TLS') throw validationError(`A certificate must be specified for ${protocol} listeners (the fake has no certificates)`);
  const taken = [...region.listeners.values()].some((l) => l.loadBalancerArn === lb.arn && l.port === port && l.arn !== except);
  if (taken) throw new AwsError('DuplicateListener', 'A listener already exists on this port for this load balancer');
}

function listenerXml(listener: Listener): XmlStruct {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    DefaultActions: actionsXml(listener.defaultActions),
  };
}

export function actionsXml(actions: readonly ForwardAction[]): XmlList {
  return members(actions.map((action) => ({
    Type: 'forward',
    TargetGroupArn: action.targetGroups.length === 1 ? action.targetGroups[0]?.arn : undefined,
    ForwardConfig: {
      TargetGroups: members(action.targetGroups.map((tg) => ({ TargetGroupArn: tg.arn, Weight: tg.weight }))),
      TargetGroupStickinessConfig: { Enabled: action.stickiness.enabled, DurationSeconds: action.stickiness.durationSeconds },
    },
  })));
}

export const listenerActions: ActionTable = {
  CreateListener: ({ params, region, store }) => {
    const lb = findLoadBalancer(region, params.requiredString('LoadBalancerArn'));
    const protocol = params.string('Protocol') ?? (lb.type === 'network' ? 'TCP' : 'HTTP');
    const port = params.requiredInteger('Port');
    const defaultActions = readActions(params, region, lb);
    const same = [...region.listeners.values()].find((l) => l.loadBalancerArn === lb.arn && l.port === port && l.protocol === protocol);
    // The same listener again is answered with the existing one, as AWS does.
    if (same && JSON.stringify(same.defaultActions) === JSON.stringify(defaultActions)) return { Listeners: members([listenerXml(same)]) };
    checkPort(region, lb, port, protocol);
    const listener: Listener = { arn: listenerArn(lb.arn), loadBalancerArn: lb.arn, port, protocol, defaultActions };
    region.listeners.set(listener.arn, listener);
    store.changed();
    return { Listeners: members([listenerXml(listener)]) };
  },

  DescribeListeners: ({ params, region }) => {
    const lbArn = params.string('LoadBalancerArn');
    const arns = params.strings('ListenerArns');
    if (lbArn === undefined && arns.length === 0) throw validationError('A load balancer ARN or listener ARNs must be specified');
    if (lbArn !== undefined) findLoadBalancer(region, lbArn);
    if (arns.some((arn) => !region.listeners.has(arn))) throw listenerNotFound();
    const found = [...region.listeners.values()]
      .filter((l) => (lbArn === undefined || l.loadBalancerArn === lbArn) && (arns.length === 0 || arns.includes(l.arn)))
      .sort((a, b) => a.port - b.port);
    const page = paginate(found, params.integerBetween('PageSize', 1, 400) ?? 400, params.string('Marker'), () => validationError('Invalid marker'));
    return { Listeners: members(page.items.map(listenerXml)), NextMarker: page.nextToken };
  },

  ModifyListener: ({ params, region, store }) => {
    const listener = findListener(region, params.requiredString('ListenerArn'));
    const lb = findLoadBalancer(region, listener.loadBalancerArn);
    const port = params.integer('Port') ?? listener.port;
    const protocol = params.string('Protocol') ?? listener.protocol;
    checkPort(region, lb, port, protocol, listener.arn);
    const defaultActions = params.has('DefaultActions') ? readActions(params, region, lb) : listener.defaultActions;
    Object.assign(listener, { port, protocol, defaultActions });
    store.changed();
    return { Listeners: members([listenerXml(listener)]) };
  },

  DeleteListener: ({ params, region, store }) => {
    const listener = findListener(region, params.requiredString('ListenerArn'));
    region.listeners.delete(listener.arn);
    // A listener's rules go with it.
    for (const rule of [...region.rules.values()]) if (rule.listenerArn === listener.arn) region.rules.delete(rule.arn);
    store.changed();
    return {};
  },
};
