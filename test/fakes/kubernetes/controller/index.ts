/**
 * The simulated Deployment controller and kubelet. It runs after every change to the store (on
 * the next turn of the event loop, so API calls return before it acts, as in a cluster) and on a
 * timer for the next pod that becomes ready or deployment that runs out of time (see ReconcileLoop).
 */
import { ReconcileLoop } from '../../reconcileLoop';
import { arrayAt, clone, deepEqual, isObject, numberAt, objectAt, stringAt, stringMap, type JsonObject } from '../json';
import { resourceByName, type ResourceType } from '../resources';
import { nameOf, namespaceOf, type KubeObject, type ObjectStore } from '../store';
import { deploymentStatus } from './deploymentStatus';
import { isFailing, isReady, markFailing, markReady, newPod, ownerOf, podHash, podOf, replicaSetName, replicaSetUid, templateHash } from './pods';

export interface DeploymentInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Images of the pod template's containers, to fail readiness by image. */
  images: string[];
}

export type ReadinessPredicate = (deployment: DeploymentInfo) => boolean;

const DEPLOYMENTS = resourceByName('deployments');
const PODS = resourceByName('pods');
const REPLICA_SETS = resourceByName('replicasets');
const DAEMON_SETS = resourceByName('daemonsets');
const STATEFUL_SETS = resourceByName('statefulsets');
/** The fake cluster has one node (pods run on `fake-node-1`), so a DaemonSet wants one pod. */
const NODES = 1;
const DAEMON_HASH = 'controller-revision-hash';
const REVISION = 'deployment.kubernetes.io/revision';

interface RolloutMemory {
  generation: number;
  readyUpdated: number;
  lastProgressAt: number;
}

function ownerUid(object: KubeObject): string | undefined {
  const owner = (arrayAt(object, 'metadata', 'ownerReferences') ?? []).find((o) => isObject(o) && o.controller === true);
  return isObject(owner) && typeof owner.uid === 'string' ? owner.uid : undefined;
}

/** The ReplicaSet of the deployment's current template: its labels and selector plus `pod-template-hash`. */
function newReplicaSet(deployment: KubeObject, hash: string): KubeObject {
  const template = clone(objectAt(deployment, 'spec', 'template') ?? {});
  const templateMetadata = isObject(template.metadata) ? template.metadata : {};
  templateMetadata.labels = { ...stringMap(templateMetadata.labels), 'pod-template-hash': hash };
  template.metadata = templateMetadata;
  const selector = clone(objectAt(deployment, 'spec', 'selector') ?? {});
  selector.matchLabels = { ...stringMap(selector.matchLabels), 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(deployment, hash),
      namespace: namespaceOf(deployment),
      generation: 1,
      labels: stringMap(templateMetadata.labels),
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(numberAt(deployment, 'spec', 'replicas') ?? 1) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: nameOf(deployment), uid: String(deployment.metadata.uid), controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 0, selector, template },
  };
}

export class DeploymentController {
  private readyDelayMs: number;
  private failing: ReadinessPredicate | null = null;
  private readonly loop = new ReconcileLoop(() => this.reconcile());
  private nextIp = 1;
  /** When each pod was created, in ms (creationTimestamp only has whole seconds). */
  private readonly bornAt = new Map<string, number>();
  private readonly memory = new Map<string, RolloutMemory>();

  constructor(private readonly store: ObjectStore, readyDelayMs: number) {
    this.readyDelayMs = readyDelayMs;
    store.onChange(() => this.loop.schedule());
  }

  setReadyDelay(ms: number): void {
    this.readyDelayMs = ms;
    this.loop.schedule();
  }

  failReadiness(predicate: ReadinessPredicate | null): void {
    this.failing = predicate;
    this.loop.schedule();
  }

  stop(): void {
    this.loop.stop();
  }

  /** One pass over every deployment; returns when the next pod gets ready or deadline runs out (ms epoch), or Infinity. */
  private reconcile(): number {
    const now = Date.now();
    let wakeAt = Infinity;
    const deployments = this.store.list(DEPLOYMENTS);
    const live = new Set(deployments.map((d) => String(d.metadata.uid)));
    for (const deployment of deployments) wakeAt = Math.min(wakeAt, this.reconcileDeployment(deployment, now));
    for (const rs of this.store.list(REPLICA_SETS)) if (ownerUid(rs) === undefined) wakeAt = Math.min(wakeAt, this.reconcileReplicaSet(rs, now));
    for (const ds of this.store.list(DAEMON_SETS)) wakeAt = Math.min(wakeAt, this.reconcileDaemonSet(ds, now));
    for (const sts of this.store.list(STATEFUL_SETS)) wakeAt = Math.min(wakeAt, this.reconcileStatefulSet(sts, now));
    this.collectOrphans(deployments);
    for (const uid of this.memory.keys()) if (!live.has(uid)) this.memory.delete(uid);
    return wakeAt;
  }

  private info(deployment: KubeObject): DeploymentInfo {
    const containers = objectAt(deployment, 'spec', 'template', 'spec')?.containers;
    return {
      namespace: namespaceOf(deployment),
      name: nameOf(deployment),
      labels: stringMap(deployment.metadata.labels),
      images: Array.isArray(containers) ? containers.map((c) => stringAt(c, 'image') ?? '') : [],
    };
  }

  private podsOf(deployment: KubeObject): KubeObject[] {
    const uid = String(deployment.metadata.uid);
    return this.store.list(PODS, namespaceOf(deployment)).filter((pod) => {
      const owner = ownerOf(pod);
      return owner !== undefined && owner.uid === replicaSetUid(uid, podHash(pod)) && owner.name === replicaSetName(deployment, podHash(pod));
    });
  }

  private born(pod: KubeObject): number {
    const known = this.bornAt.get(String(pod.metadata.uid));
    return known ?? Date.parse(String(pod.metadata.creationTimestamp));
  }

  /** Reconciles one deployment; returns when it next needs attention (ms epoch) or Infinity. */
  private reconcileDeployment(deployment: KubeObject, now: number): number {
    const uid = String(deployment.metadata.uid);
    const hash = templateHash(objectAt(deployment, 'spec', 'template'));
    const desired = numberAt(deployment, 'spec', 'replicas') ?? 1;
    const generation = numberAt(deployment, 'metadata', 'generation') ?? 1;
    const memory = this.memory.get(uid) ?? { generation: 0, readyUpdated: 0, lastProgressAt: now };
    this.memory.set(uid, memory);
    if (memory.generation !== generation) {
      memory.generation = generation;
      memory.lastProgressAt = now;
    }
    let wakeAt = Infinity;

    // Kubelet: pods past the ready delay become ready, or crash-loop when a test says so.
    const failing = this.failing?.(this.info(deployment)) ?? false;
    wakeAt = Math.min(wakeAt, this.settlePods(this.podsOf(deployment), now, failing));

    // ReplicaSet controller: the current template's pods scale to `replicas`.
    let current = this.podsOf(deployment).filter((pod) => podHash(pod) === hash);
    for (let i = current.length; i < desired; i++) {
      const pod = newPod(deployment, hash, this.allocateIp());
      const stored = this.store.create(PODS, pod);
      this.bornAt.set(String(stored.metadata.uid), Date.now());
      wakeAt = Math.min(wakeAt, Date.now() + this.readyDelayMs);
    }
    if (current.length > desired) this.deletePods(current, current.length - desired);
    current = this.podsOf(deployment).filter((pod) => podHash(pod) === hash);

    // Older templates' pods go as the new ones become ready (all at once for Recreate), so a
    // rollout whose pods never get ready leaves the old pods serving, as a real one does.
    const readyUpdated = Math.min(desired, current.filter(isReady).length);
    const old = this.podsOf(deployment).filter((pod) => podHash(pod) !== hash);
    const recreate = stringAt(deployment, 'spec', 'strategy', 'type') === 'Recreate';
    const keepOld = recreate ? 0 : Math.max(0, Math.min(old.length, desired - readyUpdated));
    if (old.length > keepOld) this.deletePods(old, old.length - keepOld);

    if (readyUpdated > memory.readyUpdated) memory.lastProgressAt = now;
    memory.readyUpdated = readyUpdated;
    const pods = this.podsOf(deployment);
    const updated = pods.filter((pod) => podHash(pod) === hash).length;
    const ready = pods.filter(isReady).length;
    const complete = updated === desired && pods.length === desired && ready === desired;
    const deadlineMs = (numberAt(deployment, 'spec', 'progressDeadlineSeconds') ?? 600) * 1000;
    const deadlineExceeded = !complete && now - memory.lastProgressAt >= deadlineMs;
    if (!complete && !deadlineExceeded) wakeAt = Math.min(wakeAt, memory.lastProgressAt + deadlineMs);

    const status = deploymentStatus(deployment, {
      desired, total: pods.length, updated, ready, newReplicaSet: replicaSetName(deployment, hash), complete, deadlineExceeded,
    });
    const revision = this.syncReplicaSets(deployment, hash, desired);
    const annotations = stringMap(deployment.metadata.annotations);
    const statusChanged = !deepEqual(status, deployment.status);
    if (statusChanged || annotations[REVISION] !== revision) {
      // Re-read: the deployment may have changed while pods were written above.
      const fresh = this.store.get(DEPLOYMENTS, namespaceOf(deployment), nameOf(deployment));
      if (fresh && fresh.metadata.resourceVersion === deployment.metadata.resourceVersion) {
        fresh.metadata.annotations = { ...stringMap(fresh.metadata.annotations), [REVISION]: revision };
        fresh.status = status;
        this.store.write(DEPLOYMENTS, fresh);
      }
    }
    return wakeAt;
  }

  /**
   * A standalone ReplicaSet (one a client wrote, no Deployment owning it): its pods, created
   * from its template as they are now, scale to `replicas` and become ready after the delay.
   * Pods keep the labels they were created with or patched to, as in a cluster.
   */
  private reconcileReplicaSet(rs: KubeObject, now: number): number {
    const uid = String(rs.metadata.uid);
    const mine = () => this.store.list(PODS, namespaceOf(rs)).filter((pod) => ownerOf(pod)?.uid === uid);
    const desired = numberAt(rs, 'spec', 'replicas') ?? 1;
    let wakeAt = this.settlePods(mine(), now, false);
    let pods = mine();
    for (let i = pods.length; i < desired; i++) {
      const stored = this.store.create(PODS, podOf({ name: nameOf(rs), uid, namespace: namespaceOf(rs) }, objectAt(rs, 'spec', 'template') ?? {}, {}, this.allocateIp()));
      this.bornAt.set(String(stored.metadata.uid), Date.now());
      wakeAt = Math.min(wakeAt, Date.now() + this.readyDelayMs);
    }
    if (pods.length > desired) this.deletePods(pods, pods.length - desired);
    pods = mine();
    const ready = pods.filter(isReady).length;
    const status: JsonObject = { replicas: pods.length, observedGeneration: numberAt(rs, 'metadata', 'generation') ?? 1 };
    if (pods.length > 0) status.fullyLabeledReplicas = pods.length;
    if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
    this.writeStatus(REPLICA_SETS, rs, status);
    return wakeAt;
  }

  /**
   * A DaemonSet: one pod per node, labelled with its template's hash (`controller-revision-hash`);
   * a changed template replaces the pod (RollingUpdate with maxUnavailable 1, the default), and
   * the status counts what Spinnaker's rule reads (desired, updated, available, observedGeneration).
   */
  private reconcileDaemonSet(ds: KubeObject, now: number): number {
    const uid = String(ds.metadata.uid);
    const hash = templateHash(objectAt(ds, 'spec', 'template'));
    const mine = () => this.store.list(PODS, namespaceOf(ds)).filter((pod) => ownerOf(pod)?.uid === uid);
    const failing = this.failing?.(this.info(ds)) ?? false;
    let wakeAt = this.settlePods(mine(), now, failing);
    const outdated = mine().filter((pod) => stringAt(pod, 'metadata', 'labels', DAEMON_HASH) !== hash);
    for (const pod of outdated) this.removePod(pod);
    for (let i = mine().length; i < NODES; i++) {
      const pod = podOf({ name: nameOf(ds), uid, namespace: namespaceOf(ds), kind: 'DaemonSet' }, objectAt(ds, 'spec', 'template') ?? {}, { [DAEMON_HASH]: hash }, this.allocateIp());
      const stored = this.store.create(PODS, pod);
      this.bornAt.set(String(stored.metadata.uid), Date.now());
      wakeAt = Math.min(wakeAt, Date.now() + this.readyDelayMs);
    }
    const pods = mine();
    const ready = pods.filter(isReady).length;
    const status: JsonObject = {
      currentNumberScheduled: pods.length,
      desiredNumberScheduled: NODES,
      numberMisscheduled: 0,
      numberReady: ready,
      observedGeneration: numberAt(ds, 'metadata', 'generation') ?? 1,
      updatedNumberScheduled: pods.filter((pod) => stringAt(pod, 'metadata', 'labels', DAEMON_HASH) === hash).length,
      numberAvailable: ready,
      ...(NODES - ready > 0 ? { numberUnavailable: NODES - ready } : {}),
    };
    this.writeStatus(DAEMON_SETS, ds, status);
    return wakeAt;
  }

  /**
   * A StatefulSet: pods `<name>-<ordinal>` labelled with the revision `<name>-<hash>`, created in
   * ordinal order, each once the one before is ready (OrderedReady); a changed template replaces
   * them from the highest ordinal down, one at a time (RollingUpdate; OnDelete leaves them).
   * `currentRevision` catches up with `updateRevision` when every pod is updated.
   */
  private reconcileStatefulSet(sts: KubeObject, now: number): number {
    const uid = String(sts.metadata.uid);
    const name = nameOf(sts);
    const revision = `${name}-${templateHash(objectAt(sts, 'spec', 'template'))}`;
    const desired = numberAt(sts, 'spec', 'replicas') ?? 1;
    const ordinal = (pod: KubeObject) => Number(nameOf(pod).slice(name.length + 1));
    const mine = () => this.store.list(PODS, namespaceOf(sts)).filter((pod) => ownerOf(pod)?.uid === uid).sort((a, b) => ordinal(a) - ordinal(b));
    const failing = this.failing?.(this.info(sts)) ?? false;
    let wakeAt = this.settlePods(mine(), now, failing);
    for (const pod of mine().filter((p) => ordinal(p) >= desired)) this.removePod(pod);
    const revisionOf = (pod: KubeObject) => stringAt(pod, 'metadata', 'labels', DAEMON_HASH);
    let pods = mine();
    if (pods.every(isReady)) {
      const ordinals = new Set(pods.map(ordinal));
      const missing = Array.from({ length: desired }, (_, i) => i).find((i) => !ordinals.has(i));
      const outdated = [...pods].reverse().find((pod) => revisionOf(pod) !== revision);
      if (missing !== undefined) {
        const pod = podOf({ name, uid, namespace: namespaceOf(sts), kind: 'StatefulSet' }, objectAt(sts, 'spec', 'template') ?? {}, { [DAEMON_HASH]: revision, 'statefulset.kubernetes.io/pod-name': `${name}-${missing}` }, this.allocateIp());
        pod.metadata.name = `${name}-${missing}`;
        delete pod.metadata.generateName;
        const stored = this.store.create(PODS, pod);
        this.bornAt.set(String(stored.metadata.uid), Date.now());
        wakeAt = Math.min(wakeAt, Date.now() + this.readyDelayMs);
      } else if (outdated !== undefined && stringAt(sts, 'spec', 'updateStrategy', 'type') !== 'OnDelete') {
        this.removePod(outdated);
        wakeAt = Math.min(wakeAt, Date.now());
      }
    }
    pods = mine();
    const ready = pods.filter(isReady).length;
    const updated = pods.filter((pod) => revisionOf(pod) === revision).length;
    const previous = stringAt(sts, 'status', 'currentRevision');
    const status: JsonObject = {
      replicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: updated === desired ? updated : pods.length - updated,
      updatedReplicas: updated,
      currentRevision: updated === desired && pods.length === desired ? revision : previous ?? revision,
      updateRevision: revision,
      observedGeneration: numberAt(sts, 'metadata', 'generation') ?? 1,
      collisionCount: 0,
    };
    this.writeStatus(STATEFUL_SETS, sts, status);
    return wakeAt;
  }

  /**
   * Kubelet: pods past the ready delay become ready, or crash-loop when a test says so (`failing`).
   * Returns when the next pod comes of age (Infinity: none waiting).
   */
  private settlePods(pods: readonly KubeObject[], now: number, failing: boolean): number {
    let wakeAt = Infinity;
    for (const pod of pods) {
      if (isReady(pod)) continue;
      const readyAt = this.born(pod) + this.readyDelayMs;
      if (now < readyAt) wakeAt = Math.min(wakeAt, readyAt);
      else if (failing) {
        if (!isFailing(pod)) this.writePod(pod, markFailing);
      } else this.writePod(pod, markReady);
    }
    return wakeAt;
  }

  /** Writes a workload's status unless a client changed the object meanwhile (its next pass will) or nothing changed. */
  private writeStatus(resource: ResourceType, object: KubeObject, status: JsonObject): void {
    const fresh = this.store.get(resource, namespaceOf(object), nameOf(object));
    if (fresh && fresh.metadata.resourceVersion === object.metadata.resourceVersion && !deepEqual(status, fresh.status)) {
      fresh.status = status;
      this.store.write(resource, fresh);
    }
  }

  private replicaSetsOf(deployment: KubeObject): KubeObject[] {
    const uid = String(deployment.metadata.uid);
    return this.store.list(REPLICA_SETS, namespaceOf(deployment)).filter((rs) => ownerUid(rs) === uid);
  }

  /**
   * The ReplicaSets of a deployment, one per template it has had, as the real controller keeps
   * them: the current template's is the newest revision (a template seen before, i.e. a rollback,
   * becomes the newest again), old ones keep their template and scale to the pods they still
   * have; past `revisionHistoryLimit` empty old ones go. Returns the current revision.
   */
  private syncReplicaSets(deployment: KubeObject, hash: string, desired: number): string {
    const owned = this.replicaSetsOf(deployment);
    const revisionOf = (rs: KubeObject) => Number(stringMap(rs.metadata.annotations)[REVISION] ?? 0);
    const highest = Math.max(0, ...owned.map(revisionOf));
    const name = replicaSetName(deployment, hash);
    const existing = owned.find((rs) => nameOf(rs) === name);
    const revision = existing !== undefined && revisionOf(existing) === highest ? highest : highest + 1;
    const current = existing ?? this.store.create(REPLICA_SETS, newReplicaSet(deployment, hash), replicaSetUid(String(deployment.metadata.uid), hash));
    const pods = this.podsOf(deployment);
    const all = existing === undefined ? [...owned, current] : owned;
    for (const rs of all) {
      const rsHash = stringMap(objectAt(rs, 'metadata', 'labels'))['pod-template-hash'] ?? '';
      const mine = pods.filter((pod) => podHash(pod) === rsHash);
      const isCurrent = nameOf(rs) === name;
      const next = clone(rs);
      next.metadata.annotations = { ...stringMap(rs.metadata.annotations), [REVISION]: String(isCurrent ? revision : revisionOf(rs)) };
      (next.spec as JsonObject).replicas = isCurrent ? desired : mine.length;
      const ready = mine.filter(isReady).length;
      const status: JsonObject = { replicas: mine.length, observedGeneration: numberAt(rs, 'metadata', 'generation') ?? 1 };
      if (mine.length > 0) status.fullyLabeledReplicas = mine.length;
      if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
      next.status = status;
      if (!deepEqual(next, rs)) this.store.write(REPLICA_SETS, next);
    }
    const limit = numberAt(deployment, 'spec', 'revisionHistoryLimit') ?? 10;
    const empty = all.filter((rs) => nameOf(rs) !== name && !pods.some((pod) => podHash(pod) === stringMap(objectAt(rs, 'metadata', 'labels'))['pod-template-hash']));
    for (const rs of empty.sort((a, b) => revisionOf(b) - revisionOf(a)).slice(limit)) this.store.remove(REPLICA_SETS, namespaceOf(rs), nameOf(rs));
    return String(revision);
  }

  private writePod(pod: KubeObject, change: (pod: KubeObject) => void): void {
    change(pod);
    this.store.write(PODS, pod);
  }

  /** Scale-down order: pods that are not ready first, then the newest. */
  private deletePods(pods: KubeObject[], count: number): void {
    const order = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || this.born(b) - this.born(a));
    for (const pod of order.slice(0, count)) this.removePod(pod);
  }

  private removePod(pod: KubeObject): void {
    this.bornAt.delete(String(pod.metadata.uid));
    this.store.remove(PODS, namespaceOf(pod), nameOf(pod));
  }

  /** Garbage collection: pods and ReplicaSets whose Deployment, standalone ReplicaSet, DaemonSet or StatefulSet is gone (deleted, or recreated with a new uid). */
  private collectOrphans(deployments: KubeObject[]): void {
    const uids = new Set(deployments.map((d) => String(d.metadata.uid)));
    for (const rs of this.store.list(REPLICA_SETS)) {
      const owner = ownerUid(rs);
      if (owner !== undefined && !uids.has(owner)) this.store.remove(REPLICA_SETS, namespaceOf(rs), nameOf(rs));
    }
    const standalone = new Set([
      ...this.store.list(REPLICA_SETS).filter((rs) => ownerUid(rs) === undefined).map((rs) => String(rs.metadata.uid)),
      ...this.store.list(DAEMON_SETS).map((ds) => String(ds.metadata.uid)),
      ...this.store.list(STATEFUL_SETS).map((sts) => String(sts.metadata.uid)),
    ]);
    for (const pod of this.store.list(PODS)) {
      // A Job's pods are the Job controller's (jobs.ts).
      if ((arrayAt(pod, 'metadata', 'ownerReferences') ?? []).some((o) => isObject(o) && o.kind === 'Job')) continue;
      const owner = ownerOf(pod);
      if (owner !== undefined && standalone.has(owner.uid)) continue;
      const deployment = deployments.find((d) => namespaceOf(d) === namespaceOf(pod) && owner?.name === replicaSetName(d, podHash(pod)));
      if (!owner || !deployment || owner.uid !== replicaSetUid(String(deployment.metadata.uid), podHash(pod))) this.removePod(pod);
    }
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }
}
