/**
 * ELBv2 target groups and their targets. Every target group is health-checked as if a load
 * balancer used it, listener or not: targets go initial → healthy (or unhealthy while failing) and
 * draining → gone, on the controller's clock.
 */
import type { ActionContext, ActionTable } from '../context';
import { targetGroupArn } from '../ids';
import type { Target, TargetGroup } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { members, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { loadBalancersUsing } from './associations';

const NAME = /^(?!-)(?!internal-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'];
const TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb'];

export function targetGroupNotFound(): AwsError {
  return new AwsError('TargetGroupNotFound', 'One or more target groups not found');
}

export function findTargetGroup(region: RegionState, arn: string): TargetGroup {
  const group = region.targetGroups.get(arn);
  if (!group) throw targetGroupNotFound();
  return group;
}

function targetGroupXml(region: RegionState, group: TargetGroup): XmlStruct {
  return {
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    ProtocolVersion: group.protocol === 'HTTP' || group.protocol === 'HTTPS' ? 'HTTP1' : undefined,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: group.healthCheckProtocol,
    HealthCheckPort: group.healthCheckPort,
    HealthCheckEnabled: group.healthCheckEnabled,
    HealthCheckIntervalSeconds: group.healthCheckIntervalSeconds,
    HealthCheckTimeoutSeconds: group.healthCheckTimeoutSeconds,
    HealthyThresholdCount: group.healthyThresholdCount,
    UnhealthyThresholdCount: group.unhealthyThresholdCount,
    HealthCheckPath: group.healthCheckPath,
    Matcher: group.matcher === undefined ? undefined : { HttpCode: group.matcher },
    LoadBalancerArns: members(loadBalancersUsing(region, group.arn)),
    TargetType: group.targetType,
    IpAddressType: 'ipv4',
  };
}

function readTargetGroup(params: QueryParams, region: RegionState): Omit<TargetGroup, 'arn' | 'targets'> {
  const name = params.requiredString('Name');
  if (!NAME.test(name)) {
    throw validationError(`Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-), must be at most 32 characters, and must not begin or end with a hyphen`);
  }
  const targetType = params.string('TargetType') ?? 'instance';
  if (!TARGET_TYPES.includes(targetType)) throw validationError(`Target type '${targetType}' is not valid`);
  const protocol = params.string('Protocol');
  const port = params.integer('Port');
  const vpcId = params.string('VpcId');
  if (targetType !== 'lambda') {
    if (protocol === undefined) throw validationError('A protocol must be specified');
    if (!PROTOCOLS.includes(protocol)) throw validationError(`Protocol '${protocol}' is not supported`);
    if (port === undefined) throw validationError('A port must be specified');
    if (port < 1 || port > 65535) throw validationError(`Port '${port}' must be between 1 and 65535`);
    if (vpcId === undefined) throw validationError('A VPC ID must be specified');
    if (!region.vpcs.some((vpc) => vpc.vpcId === vpcId)) throw validationError(`The VPC ID '${vpcId}' is not found`);
  }
  const http = protocol === 'HTTP' || protocol === 'HTTPS';
  const healthCheckProtocol = params.string('HealthCheckProtocol') ?? (protocol === 'HTTPS' ? 'HTTPS' : http ? 'HTTP' : 'TCP');
  const healthCheckHttp = healthCheckProtocol === 'HTTP' || healthCheckProtocol === 'HTTPS';
  return {
    name,
    protocol,
    port,
    vpcId,
    targetType,
    healthCheckProtocol,
    healthCheckPort: params.string('HealthCheckPort') ?? 'traffic-port',
    healthCheckPath: params.string('HealthCheckPath') ?? (healthCheckHttp ? '/' : undefined),
    healthCheckEnabled: params.boolean('HealthCheckEnabled') ?? true,
    healthCheckIntervalSeconds: params.integer('HealthCheckIntervalSeconds') ?? 30,
    healthCheckTimeoutSeconds: params.integer('HealthCheckTimeoutSeconds') ?? (healthCheckHttp ? 5 : 10),
    healthyThresholdCount: params.integer('HealthyThresholdCount') ?? 5,
    unhealthyThresholdCount: params.integer('UnhealthyThresholdCount') ?? 2,
    matcher: params.child('Matcher')?.string('HttpCode') ?? (healthCheckHttp ? '200' : undefined),
    tags: new Map(params.list('Tags').map((tag) => [tag.requiredString('Key'), tag.string('Value') ?? ''])),
  };
}

/** Settings that make a second CreateTargetGroup of the same name a conflict rather than a repeat. */
function sameSettings(a: Omit<TargetGroup, 'arn' | 'targets'>, b: TargetGroup): boolean {
  return a.protocol === b.protocol && a.port === b.port && a.vpcId === b.vpcId && a.targetType === b.targetType
    && a.healthCheckProtocol === b.healthCheckProtocol && a.healthCheckPort === b.healthCheckPort && a.healthCheckPath === b.healthCheckPath;
}

interface TargetRef {
  id: string;
  port: number | undefined;
}

function readTargets(params: QueryParams): TargetRef[] {
  return params.list('Targets').map((target) => ({ id: target.requiredString('Id'), port: target.integer('Port') }));
}

function sameTarget(target: Target, ref: TargetRef, group: TargetGroup): boolean {
  return target.id === ref.id && target.port === (ref.port ?? group.port ?? 0);
}

/** Registration as ASGs and RegisterTargets do it: new or draining targets start over at `initial`. */
export function registerTarget(group: TargetGroup, ref: TargetRef, now: number, readyDelayMs: number): void {
  const port = ref.port ?? group.port ?? 0;
  const existing = group.targets.find((target) => sameTarget(target, ref, group));
  if (existing && existing.state !== 'draining') return;
  if (existing) group.targets.splice(group.targets.indexOf(existing), 1);
  group.targets.push({ id: ref.id, port, state: 'initial', transitionAt: now + readyDelayMs });
}

export function deregisterTarget(group: TargetGroup, ref: TargetRef, now: number, readyDelayMs: number): void {
  for (const target of group.targets) {
    if ((ref.port === undefined ? target.id === ref.id : sameTarget(target, ref, group)) && target.state !== 'draining') {
      target.state = 'draining';
      target.transitionAt = now + readyDelayMs;
    }
  }
}

const HEALTH_REASONS: Record<Target['state'], { Reason?: string; Description?: string }> = {
  initial: { Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  healthy: {},
  unhealthy: { Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' },
  draining: { Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
};

function checkInstanceTargets(region: RegionState, group: TargetGroup, refs: TargetRef[], mustRun: boolean): void {
  if (group.targetType !== 'instance') return;
  const unknown = refs.filter((ref) => !region.instances.has(ref.id));
  if (unknown.length > 0) throw new AwsError('InvalidTarget', `The following targets are not valid instances: ${unknown.map((ref) => `'${ref.id}'`).join(', ')}`);
  if (!mustRun) return;
  const notRunning = refs.filter((ref) => region.instances.get(ref.id)?.state !== 'running');
  if (notRunning.length > 0) {
    throw new AwsError('InvalidTarget', `The following targets are not in a running state and cannot be registered: ${notRunning.map((ref) => `'${ref.id}'`).join(', ')}`);
  }
}

/** Register/DeregisterTargets: every target is checked before any changes. */
function changeTargets(
  { params, region, store, now, timing }: ActionContext,
  mustRun: boolean,
  change: (group: TargetGroup, ref: TargetRef, now: number, readyDelayMs: number) => void,
): XmlStruct {
  const group = findTargetGroup(region, params.requiredString('TargetGroupArn'));
  const refs = readTargets(params);
  if (refs.length === 0) throw validationError("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
  checkInstanceTargets(region, group, refs, mustRun);
  for (const ref of refs) change(group, ref, now, timing.readyDelayMs());
  store.changed();
  return {};
}

export const targetGroupActions: ActionTable = {
  CreateTargetGroup: ({ params, region, store }) => {
    const fields = readTargetGroup(params, region);
    const existing = [...region.targetGroups.values()].find((group) => group.name === fields.name);
    if (existing) {
      if (!sameSettings(fields, existing)) throw new AwsError('DuplicateTargetGroupName', `A target group with the same name '${fields.name}' exists, but with different settings`);
      return { TargetGroups: members([targetGroupXml(region, existing)]) };
    }
    const group: TargetGroup = { ...fields, arn: targetGroupArn(region.region, fields.name), targets: [] };
    region.targetGroups.set(group.arn, group);
    store.changed();
    return { TargetGroups: members([targetGroupXml(region, group)]) };
  },

  DescribeTargetGroups: ({ params, region }) => {
    const arns = params.strings('TargetGroupArns');
    const names = params.strings('Names');
    const loadBalancerArn = params.string('LoadBalancerArn');
    if (loadBalancerArn !== undefined && !region.loadBalancers.has(loadBalancerArn)) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
    let groups = [...region.targetGroups.values()];
    if (loadBalancerArn !== undefined) groups = groups.filter((group) => loadBalancersUsing(region, group.arn).includes(loadBalancerArn));
    if (arns.length > 0) {
      if (arns.some((arn) => !region.targetGroups.has(arn))) throw targetGroupNotFound();
      groups = groups.filter((group) => arns.includes(group.arn));
    }
    if (names.length > 0) {
      if (names.some((name) => !groups.some((group) => group.name === name))) throw targetGroupNotFound();
      groups = groups.filter((group) => names.includes(group.name));
    }
    groups.sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(groups, params.integerBetween('PageSize', 1, 400) ?? 400, params.string('Marker'), () => validationError('Invalid marker'));
    return { TargetGroups: members(page.items.map((group) => targetGroupXml(region, group))), NextMarker: page.nextToken };
  },

  DeleteTargetGroup: ({ params, region, store }) => {
    const arn = params.requiredString('TargetGroupArn');
    if (loadBalancersUsing(region, arn).length > 0) throw new AwsError('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
    region.targetGroups.delete(arn);
    store.changed();
    return {};
  },

  RegisterTargets: (context) => changeTargets(context, true, registerTarget),
  DeregisterTargets: (context) => changeTargets(context, false, deregisterTarget),

  DescribeTargetHealth: ({ params, region }) => {
    const group = findTargetGroup(region, params.requiredString('TargetGroupArn'));
    const refs = readTargets(params);
    checkInstanceTargets(region, group, refs, false);
    const described = refs.length === 0
      ? group.targets.map((target) => ({ target, ref: { id: target.id, port: target.port } }))
      : refs.map((ref) => ({ target: group.targets.find((t) => sameTarget(t, ref, group)), ref: { id: ref.id, port: ref.port ?? group.port ?? 0 } }));
    return {
      TargetHealthDescriptions: members(described.map(({ target, ref }) => ({
        Target: { Id: ref.id, Port: ref.port },
        HealthCheckPort: group.healthCheckPort === 'traffic-port' ? String(ref.port) : group.healthCheckPort,
        TargetHealth: target
          ? { State: target.state, ...HEALTH_REASONS[target.state] }
          : { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' },
      }))),
    };
  },
};
