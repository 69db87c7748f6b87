import {
  AttachLoadBalancerTargetGroupsCommand,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type LaunchTemplate,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseServerGroupName } from '@gantry/core';
import type { AwsAccountConfig, AwsRegionConfig } from './account';
import type { BakeRequest, Capacity, CloudProvider, ClusterRef, Health, Image, RequestRouting, ServerGroup, ServerGroupInstance, ServerGroupRef, ServerGroupSpec } from '../CloudProvider';
import { routingRefusal } from '../requestRouting';
import { isProviderError } from '../errors';
import { replicaSplit, trafficPlan, weightsProblem } from '../trafficWeights';
import { byCreation } from '../serverGroupOrder';
import { capacityProblem, serverGroupSpecProblem, settingsProblems } from '../validation';
import { OperationScopes } from '../operationScopes';
import { AmiBaker } from './AmiBaker';
import { AwsClient, type Scope } from './client';
import { buildAsgTags, buildLaunchTemplateData, identityTags } from './launchTemplate';
import {
  ADD_TO_LOAD_BALANCER,
  clusterTargetGroups,
  computeHealth,
  groupInstances,
  isAddToLoadBalancerSuspended,
  isDeleting,
  isOurServerGroup,
  judgingTargetGroups,
  targetGroupNameOf,
  toServerGroup,
  type TargetStates,
} from './serverGroup';
import { DEFAULT_INSTANCE_TYPE, awsServerGroupSettingsSchema, type AwsServerGroupSettings } from './settings';
import { TAGS, tagValue, toTagList } from './tags';

export interface AwsProviderOptions {
  /** Where `credentials.*.env` are read. */
  env?: NodeJS.ProcessEnv;
  /** Per API request (default 30 s). */
  requestTimeoutMs?: number;
  /** Sends of one throttled request before a call fails Throttled (default 4). */
  throttledAttempts?: number;
}

/** Processes enable resumes: traffic, plus the scaling a Spinnaker-disabled group also has suspended. */
const ENABLE_PROCESSES = [ADD_TO_LOAD_BALANCER, 'Launch', 'Terminate'];
const LAUNCH_TEMPLATE_VERSION = '1';
/** Spinnaker marks subnets by purpose with this tag, a JSON object such as `{"purpose": "internal"}`. */
const SUBNET_PURPOSE_TAG = 'immutable_metadata';

interface TargetGroupRef {
  name: string;
  arn: string;
}

interface Placement {
  subnetIds: string[];
  availabilityZones: string[];
}

/**
 * Server groups as EC2 Auto Scaling groups named `cluster-vNNN`, each with a launch template of
 * the same name (docs/architecture.md "Providers"):
 * - traffic: the cluster's ELBv2 target groups. enable resumes AddToLoadBalancer and attaches
 *   them; disable detaches them and suspends AddToLoadBalancer, as Spinnaker does. A group created
 *   disabled has none attached; its `gantry:target-groups` tag remembers which to attach.
 * - weights: the instance ratio (weight > 0 = enabled, 0/unlisted = disabled; the weighted groups'
 *   instances are split by weight), as the Kubernetes service mode does.
 * - a group whose deletion is under way ("Delete in progress") is gone: get returns null, list
 *   leaves it out, acting on it is NotFound, and creating its name again is Transient until AWS
 *   has finished deleting it.
 * - bake: AMIs built from a builder instance (AmiBaker).
 * Every method is idempotent; retries are the caller's (RetryingProvider).
 */
export class AwsProvider implements CloudProvider {
  readonly kind = 'aws' as const;
  private readonly aws: AwsClient;
  private readonly scopes: OperationScopes<Scope>;
  private readonly baker: AmiBaker;

  constructor(
    readonly account: AwsAccountConfig,
    options: AwsProviderOptions = {},
  ) {
    this.aws = new AwsClient(account, {
      env: options.env ?? process.env,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.throttledAttempts === undefined ? {} : { throttledAttempts: options.throttledAttempts }),
    });
    this.baker = new AmiBaker(this.aws, account);
    this.scopes = new OperationScopes<Scope>({
      account: account.name,
      serverGroupType: 'auto-scaling-group',
      at: (location, operation) => ({ operation, region: this.regionFor(location, operation).name }),
      error: (kind, scope, reason) => this.aws.error(kind, scope, reason),
    });
  }

  bake(request: BakeRequest): Promise<Image> {
    const region = this.regionFor(request.location, 'bake');
    this.scopes.check(request.account, { operation: 'bake', region: region.name });
    return this.baker.bake(request, region, (name) => this.regionFor(name, 'bake'));
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    const region = this.regionFor(spec.location, 'createServerGroup');
    const scope: Scope = { operation: 'createServerGroup', region: region.name, resource: { type: 'auto-scaling-group', name: spec.name } };
    this.scopes.check(spec.account, scope);
    const settings = this.validateSpec(spec, scope);

    // The ASG is made last, after its launch template: when it exists, a previous run got that
    // far and only the steps after it can be missing. One read decides, so a re-run stays cheap
    // (and likely to get through when the API throttles).
    let group = await this.findGroup(spec.name, scope);
    if (group === null) {
      const created = await this.makeGroup(spec, settings, region, scope);
      // Disabled from birth: new instances must not join the target groups when enable attaches them.
      if (created && spec.enabled === false) await this.suspendAddToLoadBalancer(spec.name, scope);
      group = await this.requireGroup(spec.name, scope, { deleting: true });
    }
    this.checkAdoptable(group, spec, scope);
    // A crash may have come between creating and suspending.
    if (spec.enabled === false && (group.TargetGroupARNs ?? []).length === 0 && !isAddToLoadBalancerSuspended(group)) {
      await this.suspendAddToLoadBalancer(spec.name, scope);
      group = await this.requireGroup(spec.name, scope);
    }
    return this.view(group, scope);
  }

  async getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    const scope = this.scopes.forServerGroup(ref, 'getServerGroup');
    const group = await this.findGroup(ref.name, scope);
    if (group === null || !isOurServerGroup(group, ref.name) || isDeleting(group)) return null;
    return this.view(group, scope);
  }

  async listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    const scope = this.scopes.forCluster(cluster, 'listServerGroups');
    const groups = await this.groupsOf(cluster.cluster, scope);
    const targets = await this.targetStates(groups.flatMap(judgingTargetGroups), scope);
    return groups.map((group) => toServerGroup(group, targets, this.account.name, scope.region)).sort(byCreation);
  }

  async resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'resize');
    const problem = capacityProblem(capacity);
    if (problem !== undefined) throw this.scopes.fatal(scope, `invalid capacity: ${problem}`);
    await this.requireGroup(ref.name, scope);
    await this.updateCapacity(ref.name, capacity, scope);
  }

  async enable(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'enable');
    await this.enableGroup(await this.requireGroup(ref.name, scope), scope);
  }

  async disable(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'disable');
    await this.disableGroup(await this.requireGroup(ref.name, scope), scope);
  }

  /** Routing by request is not carried here (core's ROUTER_RULES.awsTargetGroups): a pipeline save refuses such a stage first. */
  async setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setRequestRouting');
    throw this.scopes.fatal(scope, routingRefusal('awsTargetGroups', routing) ?? 'cannot route by request');
  }

  /**
   * Weights describe the whole cluster: groups left out take no traffic. A target group spreads
   * requests evenly over its healthy targets, so a group's share is its share of the instances:
   * the weighted groups' desired capacity (their current total kept) is split by weight. Groups
   * are enabled first and disabled last, so the cluster is never left without a group in traffic.
   */
  async setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setTrafficWeights');
    const groups = await this.groupsOf(cluster.cluster, scope);
    const byName = new Map(groups.map((group) => [group.AutoScalingGroupName ?? '', group]));
    const problem = weightsProblem(weights, [...byName.keys()]);
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    const plan = trafficPlan(weights, [...byName.keys()]);
    const groupScope = (name: string): Scope => ({ ...scope, resource: { type: 'auto-scaling-group', name } });
    const each = async (names: string[], act: (group: AutoScalingGroup, name: string) => Promise<void>) => {
      for (const name of names) {
        const group = byName.get(name);
        if (group !== undefined) await act(group, name);
      }
    };

    await each(plan.enable, (group, name) => this.enableGroup(group, groupScope(name)));
    const total = plan.enable.reduce((sum, name) => sum + (byName.get(name)?.DesiredCapacity ?? 0), 0);
    const split = replicaSplit(weights, total);
    await each(Object.keys(split), async (group, name) => {
      const desired = split[name] ?? 0;
      if (group.DesiredCapacity === desired) return;
      await this.updateCapacity(name, { min: Math.min(group.MinSize ?? 0, desired), max: Math.max(group.MaxSize ?? 0, desired), desired }, groupScope(name));
    });
    await each(plan.disable, (group, name) => this.disableGroup(group, groupScope(name)));
  }

  /**
   * ForceDelete terminates the instances with the group, then the launch template goes. Each
   * step is skipped when already done, so a re-run after a crash finishes the job; with neither
   * left there is nothing to do.
   */
  async destroy(ref: ServerGroupRef): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'destroy');
    const templateScope: Scope = { ...scope, resource: { type: 'launch-template', name: ref.name } };
    const [group, template] = await Promise.all([this.findGroup(ref.name, scope), this.findLaunchTemplate(ref.name, templateScope)]);
    if (group === null && template === null) return;
    if (group !== null && !isOurServerGroup(group, ref.name)) throw this.scopes.conflict(scope, `Auto Scaling group ${ref.name} is not managed by Gantry (no ${TAGS.serverGroup}=${ref.name} tag); refusing to delete it`);
    if (template !== null && tagValue(template.Tags, TAGS.serverGroup) !== ref.name) {
      throw this.scopes.conflict(templateScope, `launch template ${ref.name} is not managed by Gantry (no ${TAGS.serverGroup}=${ref.name} tag); refusing to delete it`);
    }
    // find: a resource someone else deleted meanwhile is as good as deleted here.
    if (group !== null && !isDeleting(group)) {
      await this.aws.find(scope, (a) => a.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: ref.name, ForceDelete: true })));
    }
    if (template !== null) {
      await this.aws.find(templateScope, (a) => a.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: ref.name })));
    }
  }

  async health(ref: ServerGroupRef): Promise<Health> {
    const scope = this.scopes.forServerGroup(ref, 'health');
    const group = await this.requireGroup(ref.name, scope);
    return computeHealth(group, await this.targetStates(judgingTargetGroups(group), scope));
  }

  async listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]> {
    const scope = this.scopes.forServerGroup(ref, 'listInstances');
    const group = await this.requireGroup(ref.name, scope);
    return groupInstances(group, await this.targetStates(judgingTargetGroups(group), scope));
  }

  /**
   * TerminateInstanceInAutoScalingGroup without decrementing the desired capacity, so Auto Scaling
   * launches a replacement (a new instance id). Only members not already leaving are terminated:
   * a repeat finds them Terminating or gone and does nothing.
   */
  async terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'terminateInstances');
    const live = new Set(groupInstances(await this.requireGroup(ref.name, scope), new Map()).map((instance) => instance.id));
    for (const id of instanceIds.filter((instanceId) => live.has(instanceId))) {
      await this.aws.call({ ...scope, resource: { type: 'instance', name: id } }, (a) =>
        a.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: false })),
      );
    }
  }

  /** Releases the SDK clients' sockets. */
  close(): void {
    this.aws.close();
  }

  // --- server group steps ------------------------------------------------------------------------

  /**
   * The launch template (made or adopted), then the ASG. Everything the group refers to is looked
   * up first, so a typo fails before anything is made. False when another run created the ASG
   * between our look and our create: the caller adopts it like any other.
   */
  private async makeGroup(spec: ServerGroupSpec, settings: AwsServerGroupSettings, region: AwsRegionConfig, scope: Scope): Promise<boolean> {
    const targetGroups = await this.resolveTargetGroups(settings.targetGroups ?? [], scope);
    const placement = await this.placement(settings, region, scope);
    const securityGroupIds = await this.resolveSecurityGroups(settings.securityGroups, region, scope);
    const identity = identityTags({ application: spec.application, cluster: spec.cluster, serverGroup: spec.name }, { ...settings.tags, ...spec.tags });
    await this.ensureLaunchTemplate(spec, settings, securityGroupIds, identity, scope);
    const enabled = spec.enabled !== false;
    const command = new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: spec.name,
      // Version 1 is the one Gantry wrote; a version added by hand later is never picked up.
      LaunchTemplate: { LaunchTemplateName: spec.name, Version: LAUNCH_TEMPLATE_VERSION },
      MinSize: spec.capacity.min,
      MaxSize: spec.capacity.max,
      DesiredCapacity: spec.capacity.desired,
      ...(placement.subnetIds.length > 0 ? { VPCZoneIdentifier: placement.subnetIds.join(',') } : { AvailabilityZones: placement.availabilityZones }),
      ...(enabled && targetGroups.length > 0 ? { TargetGroupARNs: targetGroups.map((group) => group.arn) } : {}),
      ...(settings.healthCheckType === undefined ? {} : { HealthCheckType: settings.healthCheckType }),
      ...(settings.healthCheckGracePeriod === undefined ? {} : { HealthCheckGracePeriod: settings.healthCheckGracePeriod }),
      Tags: buildAsgTags(spec.name, identity, spec.image, targetGroups.map((group) => group.name)),
    });
    try {
      await this.aws.call(scope, (a) => a.autoScaling.send(command));
      return true;
    } catch (error) {
      if (isProviderError(error, 'Conflict')) return false;
      throw error;
    }
  }

  private async suspendAddToLoadBalancer(name: string, scope: Scope): Promise<void> {
    await this.aws.call(scope, (a) => a.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: [ADD_TO_LOAD_BALANCER] })));
  }

  /** An existing group of the name is ours to return only if Gantry made it for this image. */
  private checkAdoptable(group: AutoScalingGroup, spec: ServerGroupSpec, scope: Scope): void {
    if (!isOurServerGroup(group, spec.name)) throw this.scopes.conflict(scope, `an Auto Scaling group named ${spec.name} exists and is not managed by Gantry`);
    if (isDeleting(group)) throw this.aws.error('Transient', scope, `Auto Scaling group ${spec.name} is still being deleted; its name is free once AWS has finished`);
    const image = tagValue(group.Tags, TAGS.image);
    if (image !== spec.image) throw this.scopes.conflict(scope, `server group ${spec.name} already exists with image ${image ?? '(unknown)'}, not ${spec.image}`);
  }

  /** The launch template of the group: created, or adopted when a previous run made it. */
  private async ensureLaunchTemplate(
    spec: ServerGroupSpec,
    settings: AwsServerGroupSettings,
    securityGroupIds: string[],
    identity: Record<string, string>,
    groupScope: Scope,
  ): Promise<void> {
    const scope: Scope = { ...groupScope, resource: { type: 'launch-template', name: spec.name } };
    const existing = await this.findLaunchTemplate(spec.name, scope);
    if (existing !== null) return this.checkTemplateAdoptable(existing, spec, scope);
    const data = buildLaunchTemplateData({
      image: spec.image,
      instanceType: settings.instanceType ?? this.account.defaultInstanceType ?? DEFAULT_INSTANCE_TYPE,
      securityGroupIds,
      ...(settings.userData === undefined ? {} : { userData: settings.userData }),
      ...(settings.keyPair === undefined ? {} : { keyPair: settings.keyPair }),
      ...(settings.iamInstanceProfile === undefined ? {} : { iamInstanceProfile: settings.iamInstanceProfile }),
    });
    // Tagged in the same call, so a template never exists without the tags that make it adoptable.
    const tags = toTagList({ ...identity, [TAGS.image]: spec.image });
    try {
      await this.aws.call(scope, (a) =>
        a.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: spec.name, LaunchTemplateData: data, TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }] })),
      );
    } catch (error) {
      if (!isProviderError(error, 'Conflict')) throw error;
      const raced = await this.findLaunchTemplate(spec.name, scope);
      if (raced === null) throw error;
      this.checkTemplateAdoptable(raced, spec, scope);
    }
  }

  /** Gantry's template of this group carries its tags, written with version 1 (the AMI's). */
  private checkTemplateAdoptable(template: LaunchTemplate, spec: ServerGroupSpec, scope: Scope): void {
    if (tagValue(template.Tags, TAGS.serverGroup) !== spec.name) throw this.scopes.conflict(scope, `a launch template named ${spec.name} exists and is not managed by Gantry`);
    const image = tagValue(template.Tags, TAGS.image);
    if (image !== spec.image) throw this.scopes.conflict(scope, `launch template ${spec.name} already exists with image ${image ?? '(unknown)'}, not ${spec.image}`);
  }

  private async enableGroup(group: AutoScalingGroup, scope: Scope): Promise<void> {
    const name = group.AutoScalingGroupName ?? '';
    const suspended = new Set((group.SuspendedProcesses ?? []).map((process) => process.ProcessName));
    const resume = ENABLE_PROCESSES.filter((process) => suspended.has(process));
    // Resumed before attaching: instances launched while AddToLoadBalancer is suspended are never
    // added later, so attaching first could leave some out.
    if (resume.length > 0) await this.aws.call(scope, (a) => a.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: resume })));
    const attached = new Set((group.TargetGroupARNs ?? []).map(targetGroupNameOf));
    const missing = clusterTargetGroups(group).filter((targetGroup) => !attached.has(targetGroup));
    if (missing.length === 0) return;
    const arns = (await this.resolveTargetGroups(missing, scope)).map((targetGroup) => targetGroup.arn);
    await this.aws.call(scope, (a) => a.autoScaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: arns })));
  }

  /**
   * Detached before suspending: from the detach on, the group takes no traffic, so its view
   * (enabled = attached and not suspended) is never "disabled" while requests still reach it.
   */
  private async disableGroup(group: AutoScalingGroup, scope: Scope): Promise<void> {
    const name = group.AutoScalingGroupName ?? '';
    const attached = group.TargetGroupARNs ?? [];
    if (attached.length > 0) {
      await this.aws.call(scope, (a) => a.autoScaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name, TargetGroupARNs: attached })));
    }
    if (!isAddToLoadBalancerSuspended(group)) await this.suspendAddToLoadBalancer(name, scope);
  }

  private async updateCapacity(name: string, capacity: Capacity, scope: Scope): Promise<void> {
    await this.aws.call(scope, (a) =>
      a.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: capacity.min, MaxSize: capacity.max, DesiredCapacity: capacity.desired })),
    );
  }

  // --- reads -------------------------------------------------------------------------------------

  private async view(group: AutoScalingGroup, scope: Scope): Promise<ServerGroup> {
    return toServerGroup(group, await this.targetStates(judgingTargetGroups(group), scope), this.account.name, scope.region);
  }

  private async findGroup(name: string, scope: Scope): Promise<AutoScalingGroup | null> {
    const answer = await this.aws.call(scope, (a) => a.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })));
    return answer.AutoScalingGroups?.find((group) => group.AutoScalingGroupName === name) ?? null;
  }

  /** The group, which must exist (NotFound otherwise, also while being deleted) and be Gantry's (Conflict otherwise). */
  private async requireGroup(name: string, scope: Scope, options: { deleting?: boolean } = {}): Promise<AutoScalingGroup> {
    const group = await this.findGroup(name, scope);
    if (group === null || (isDeleting(group) && options.deleting !== true)) {
      throw this.aws.error('NotFound', scope, group === null ? `no Auto Scaling group named ${name}` : `Auto Scaling group ${name} is being deleted`);
    }
    if (!isOurServerGroup(group, name)) throw this.scopes.conflict(scope, `Auto Scaling group ${name} is not managed by Gantry (no ${TAGS.serverGroup}=${name} tag)`);
    return group;
  }

  /** The cluster's groups (by tag, every page), without those being deleted or not named like server groups. */
  private async groupsOf(cluster: string, scope: Scope): Promise<AutoScalingGroup[]> {
    const pages = await this.aws.pages(scope, (a, NextToken) =>
      a.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: `tag:${TAGS.cluster}`, Values: [cluster] }], NextToken })),
    );
    return pages.flatMap((page) => page.AutoScalingGroups ?? []).filter((group) => {
      const name = group.AutoScalingGroupName ?? '';
      return !isDeleting(group) && isOurServerGroup(group, name) && parseServerGroupName(name)?.cluster === cluster;
    });
  }

  private async findLaunchTemplate(name: string, scope: Scope): Promise<LaunchTemplate | null> {
    const answer = await this.aws.find(scope, (a) => a.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })));
    return answer?.LaunchTemplates?.find((template) => template.LaunchTemplateName === name) ?? null;
  }

  /** Target health by target group, each group read once however many server groups share it. */
  private async targetStates(arns: readonly string[], scope: Scope): Promise<TargetStates> {
    const unique = [...new Set(arns)];
    const entries = await Promise.all(
      unique.map(async (arn) => {
        const answer = await this.aws.find({ ...scope, resource: { type: 'target-group', name: targetGroupNameOf(arn) } }, (a) =>
          a.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
        );
        const states = new Map<string, string>();
        for (const description of answer?.TargetHealthDescriptions ?? []) {
          const id = description.Target?.Id;
          if (id !== undefined) states.set(id, description.TargetHealth?.State ?? 'unavailable');
        }
        return [arn, states] as const;
      }),
    );
    return new Map(entries);
  }

  // --- lookups of what a group refers to ---------------------------------------------------------

  /** Names or ARNs → both, in the order given; a missing target group is a Fatal configuration error. */
  private async resolveTargetGroups(references: readonly string[], scope: Scope): Promise<TargetGroupRef[]> {
    if (references.length === 0) return [];
    const arns = references.filter((reference) => reference.startsWith('arn:'));
    const names = references.filter((reference) => !reference.startsWith('arn:'));
    const lookScope = { ...scope, resource: { type: 'target-group', name: references.join(',') } };
    const found: TargetGroupRef[] = [];
    for (const query of [names.length > 0 ? { Names: names } : undefined, arns.length > 0 ? { TargetGroupArns: arns } : undefined]) {
      if (query === undefined) continue;
      try {
        const answer = await this.aws.call(lookScope, (a) => a.elb.send(new DescribeTargetGroupsCommand(query)));
        for (const group of answer.TargetGroups ?? []) found.push({ name: group.TargetGroupName ?? '', arn: group.TargetGroupArn ?? '' });
      } catch (error) {
        if (isProviderError(error, 'NotFound')) throw this.scopes.fatal(scope, `target groups not found in ${scope.region}: ${references.join(', ')} (settings.targetGroups): ${error.reason}`);
        throw error;
      }
    }
    return references.map((reference) => {
      const match = found.find((group) => group.name === reference || group.arn === reference);
      if (match === undefined) throw this.scopes.fatal(scope, `target group ${reference} not found in ${scope.region} (settings.targetGroups)`);
      return match;
    });
  }

  /** Where instances go: settings.subnetIds, settings.subnetType, the region's subnets, else its zones. */
  private async placement(settings: AwsServerGroupSettings, region: AwsRegionConfig, scope: Scope): Promise<Placement> {
    if (settings.subnetIds !== undefined) return { subnetIds: settings.subnetIds, availabilityZones: [] };
    if (settings.subnetType !== undefined) return { subnetIds: await this.subnetsOfType(settings.subnetType, scope), availabilityZones: [] };
    if (region.subnetIds !== undefined) return { subnetIds: region.subnetIds, availabilityZones: [] };
    if (region.availabilityZones !== undefined) return { subnetIds: [], availabilityZones: region.availabilityZones };
    throw this.scopes.fatal(scope, `region ${region.name} of account ${this.account.name} lists no subnetIds or availabilityZones; give them there, or settings.subnetIds / settings.subnetType`);
  }

  private async subnetsOfType(subnetType: string, scope: Scope): Promise<string[]> {
    const answer = await this.aws.call(scope, (a) => a.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag-key', Values: [SUBNET_PURPOSE_TAG] }] })));
    const ids = (answer.Subnets ?? []).filter((subnet) => subnetPurpose(tagValue(subnet.Tags, SUBNET_PURPOSE_TAG)) === subnetType).map((subnet) => subnet.SubnetId ?? '');
    if (ids.length === 0) throw this.scopes.fatal(scope, `no subnet in ${scope.region} is tagged ${SUBNET_PURPOSE_TAG} with purpose ${subnetType} (settings.subnetType)`);
    return ids.sort();
  }

  /** Ids pass through; names are looked up in the region. Default: the region's securityGroupIds. */
  private async resolveSecurityGroups(references: readonly string[] | undefined, region: AwsRegionConfig, scope: Scope): Promise<string[]> {
    if (references === undefined) return region.securityGroupIds ?? [];
    const names = references.filter((reference) => !/^sg-[0-9a-f]+$/.test(reference));
    if (names.length === 0) return [...references];
    const answer = await this.aws.call(scope, (a) => a.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: names }] })));
    const byName = new Map((answer.SecurityGroups ?? []).map((group) => [group.GroupName ?? '', group.GroupId ?? '']));
    const missing = names.filter((name) => !byName.has(name));
    if (missing.length > 0) throw this.scopes.fatal(scope, `security groups not found in ${scope.region}: ${missing.join(', ')} (settings.securityGroups)`);
    return references.map((reference) => byName.get(reference) ?? reference);
  }

  // --- validation and errors ---------------------------------------------------------------------

  private validateSpec(spec: ServerGroupSpec, scope: Scope): AwsServerGroupSettings {
    const problem = serverGroupSpecProblem(spec);
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    if (!/^ami-[0-9a-f]+$/.test(spec.image)) throw this.scopes.fatal(scope, `image must be an AMI id (ami-…), got ${JSON.stringify(spec.image)}`);
    const settings = awsServerGroupSettingsSchema.safeParse(spec.settings ?? {});
    if (!settings.success) throw this.scopes.fatal(scope, `invalid settings: ${settingsProblems(settings.error)}`);
    return settings.data;
  }

  /** The region: the given one, else the account's first; it must be one of the account's. */
  private regionFor(location: string | undefined, operation: string): AwsRegionConfig {
    const fallback = this.account.regions[0];
    const region = location === undefined ? fallback : this.account.regions.find((candidate) => candidate.name === location);
    if (region === undefined) {
      const known = this.account.regions.map((candidate) => candidate.name).join(', ');
      throw this.aws.error('Fatal', { operation, region: location ?? '(none)' }, `region ${location ?? '(none)'} is not one of the account's regions (${known})`);
    }
    return region;
  }
}

/** The `purpose` of Spinnaker's `immutable_metadata` subnet tag, or undefined. */
function subnetPurpose(metadata: string | undefined): string | undefined {
  if (metadata === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(metadata);
    const purpose = typeof parsed === 'object' && parsed !== null ? (parsed as { purpose?: unknown }).purpose : undefined;
    return typeof purpose === 'string' ? purpose : undefined;
  } catch {
    return undefined;
  }
}
