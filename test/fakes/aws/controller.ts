/**
 * The simulated clouds behind the API: EC2 moves instances and images through their states, ELB
 * health-checks targets, Auto Scaling keeps groups at their desired capacity. It runs after every
 * change and when the next transition is due (see ReconcileLoop).
 */
import { reconcileGroup, completeLaunchActivity } from './autoscaling/scaling';
import { registerTarget, deregisterTarget } from './elbv2/targetGroups';
import { isSuspended } from './autoscaling/groups';
import type { Instance, TargetGroup } from './model';
import type { AwsStore, RegionState } from './store';
import { ReconcileLoop } from '../reconcileLoop';
import { beginTermination, userDataPowersOff } from './ec2/instances';

export interface InstanceInfo {
  region: string;
  instanceId: string;
  imageId: string;
  /** The Auto Scaling group that launched it, if any. */
  autoScalingGroupName: string | undefined;
}

export type InstancePredicate = (instance: InstanceInfo) => boolean;

export interface ImageInfo {
  region: string;
  imageId: string;
  name: string;
}

export type ImagePredicate = (image: ImageInfo) => boolean;

/** How long EC2 keeps listing a terminated instance (about an hour, as AWS does). */
const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

export class AwsController {
  private readyDelayMs: number;
  private failing: InstancePredicate | null = null;
  private failingImages: ImagePredicate | null = null;
  private readonly loop = new ReconcileLoop(() => this.reconcile());

  constructor(private readonly store: AwsStore, readyDelayMs: number) {
    this.readyDelayMs = readyDelayMs;
    store.onChange(() => this.loop.schedule());
  }

  readyDelay(): number {
    return this.readyDelayMs;
  }

  setReadyDelay(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new Error('setReadyDelay: ms must be a non-negative number');
    this.readyDelayMs = ms;
    this.loop.schedule();
  }

  failInstances(predicate: InstancePredicate | null): void {
    this.failing = predicate;
    this.loop.schedule();
  }

  /** Pending images that match end `failed` instead of `available`. */
  failImages(predicate: ImagePredicate | null): void {
    this.failingImages = predicate;
    this.loop.schedule();
  }

  stop(): void {
    this.loop.stop();
  }

  /** One pass over every region; returns when the next transition is due. */
  private reconcile(): number {
    const now = Date.now();
    let wakeAt = Infinity;
    for (const region of this.store.allRegions()) wakeAt = Math.min(wakeAt, this.reconcileRegion(region, now));
    return wakeAt;
  }

  private isFailing(region: RegionState, instance: Instance): boolean {
    return this.failing?.({
      region: region.region,
      instanceId: instance.instanceId,
      imageId: instance.imageId,
      autoScalingGroupName: instance.autoScaling?.groupName ?? instance.tags.get('aws:autoscaling:groupName'),
    }) ?? false;
  }

  private reconcileRegion(region: RegionState, now: number): number {
    let wakeAt = Infinity;
    for (const image of region.images.values()) {
      if (image.state !== 'pending') continue;
      if (now < image.availableAt) wakeAt = Math.min(wakeAt, image.availableAt);
      else image.state = this.failingImages?.({ region: region.region, imageId: image.imageId, name: image.name }) ? 'failed' : 'available';
    }
    for (const lb of region.loadBalancers.values()) {
      if (lb.state !== 'provisioning') continue;
      if (now >= lb.activeAt) lb.state = 'active';
      else wakeAt = Math.min(wakeAt, lb.activeAt);
    }
    for (const instance of region.instances.values()) wakeAt = Math.min(wakeAt, this.reconcileInstance(region, instance, now));
    // Targets before groups: a detached target group leaves its group once the targets have drained.
    for (const targetGroup of region.targetGroups.values()) wakeAt = Math.min(wakeAt, this.reconcileTargets(region, targetGroup, now));
    for (const group of [...region.autoScalingGroups.values()]) wakeAt = Math.min(wakeAt, reconcileGroup(region, group, now, this.readyDelayMs));
    // Launches and terminations above start new transitions: make sure their times wake us.
    for (const instance of region.instances.values()) {
      if (instance.state === 'pending' || instance.state === 'shutting-down' || instance.state === 'stopping') wakeAt = Math.min(wakeAt, instance.transitionAt);
    }
    for (const targetGroup of region.targetGroups.values()) {
      for (const target of targetGroup.targets) if (target.state === 'initial' || target.state === 'draining') wakeAt = Math.min(wakeAt, target.transitionAt);
    }
    return wakeAt;
  }

  private reconcileInstance(region: RegionState, instance: Instance, now: number): number {
    const membership = instance.autoScaling;
    if (instance.state === 'pending' && now >= instance.transitionAt) {
      instance.state = 'running';
      if (membership) this.putInService(region, instance, now);
      else if (userDataPowersOff(instance.userData)) instance.selfShutdownAt = now + this.readyDelayMs;
    } else if (instance.state === 'running' && instance.selfShutdownAt !== undefined && now >= instance.selfShutdownAt) {
      instance.selfShutdownAt = undefined;
      // A failing instance's script fails before its last line: it never powers off.
      if (!this.isFailing(region, instance)) this.shutDownFromInside(instance, now);
    } else if (instance.state === 'shutting-down' && now >= instance.transitionAt) {
      instance.state = 'terminated';
      instance.autoScaling = undefined;
      for (const targetGroup of region.targetGroups.values()) deregisterTarget(targetGroup, { id: instance.instanceId, port: undefined }, now, this.readyDelayMs);
    } else if (instance.state === 'terminated' && now - instance.transitionAt > TERMINATED_VISIBLE_MS) {
      region.instances.delete(instance.instanceId);
    } else if (instance.state === 'stopping' && now >= instance.transitionAt) {
      instance.state = 'stopped';
    }
    if (instance.autoScaling) {
      // Terminated through EC2 (or stopped): Auto Scaling sees it and replaces it.
      if (instance.state === 'shutting-down') instance.autoScaling.lifecycleState = 'Terminating';
      if (instance.autoScaling.lifecycleState === 'InService') {
        const unhealthy = instance.state !== 'running' || this.isFailing(region, instance);
        instance.autoScaling.healthStatus = unhealthy ? 'Unhealthy' : 'Healthy';
      }
    }
    if (instance.state === 'running' && instance.selfShutdownAt !== undefined) return instance.selfShutdownAt;
    return instance.state === 'pending' || instance.state === 'shutting-down' || instance.state === 'stopping' ? instance.transitionAt : Infinity;
  }

  /** The guest powered itself off: EC2 stops or terminates it, as its InstanceInitiatedShutdownBehavior says. */
  private shutDownFromInside(instance: Instance, now: number): void {
    const reason = 'Client.InstanceInitiatedShutdown: Instance initiated shutdown';
    instance.stateReason = { code: 'Client.InstanceInitiatedShutdown', message: reason };
    if (instance.shutdownBehavior === 'terminate') {
      beginTermination(instance, now, this.readyDelayMs, reason);
      return;
    }
    instance.state = 'stopping';
    instance.stateTransitionReason = reason;
    instance.transitionAt = now + this.readyDelayMs;
  }

  private putInService(region: RegionState, instance: Instance, now: number): void {
    const membership = instance.autoScaling;
    const group = membership && region.autoScalingGroups.get(membership.groupName);
    if (!membership || !group) return;
    membership.lifecycleState = 'InService';
    completeLaunchActivity(region, instance, now);
    if (membership.skipLoadBalancers || isSuspended(group, 'AddToLoadBalancer')) {
      membership.skipLoadBalancers = true;
      return;
    }
    for (const attachment of group.targetGroups) {
      const targetGroup = region.targetGroups.get(attachment.arn);
      if (targetGroup && attachment.state === 'Attached') registerTarget(targetGroup, { id: instance.instanceId, port: undefined }, now, this.readyDelayMs);
    }
  }

  private reconcileTargets(region: RegionState, targetGroup: TargetGroup, now: number): number {
    let wakeAt = Infinity;
    targetGroup.targets = targetGroup.targets.filter((target) => target.state !== 'draining' || now < target.transitionAt);
    for (const target of targetGroup.targets) {
      if (target.state === 'draining') continue;
      if (target.state === 'initial' && now < target.transitionAt) {
        wakeAt = Math.min(wakeAt, target.transitionAt);
        continue;
      }
      const instance = region.instances.get(target.id);
      const passing = targetGroup.targetType !== 'instance' || (instance !== undefined && instance.state === 'running' && !this.isFailing(region, instance));
      target.state = passing ? 'healthy' : 'unhealthy';
    }
    return wakeAt;
  }
}
