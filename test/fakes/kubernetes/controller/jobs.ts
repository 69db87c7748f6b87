/**
 * The simulated Job controller and kubelet for Jobs: each Job gets one pod at a time; after the
 * ready delay the pod "runs" its containers' commands, so a test's manifest decides the outcome:
 * `echo` lines become the container's log (served by the pods' `log` subresource) and
 * `exit N` (N ≠ 0) fails the pod. Failed pods are replaced until `backoffLimit` (default 6) is
 * exceeded, when the Job gets the `Failed` condition a real one gets (`BackoffLimitExceeded`).
 */
import { ReconcileLoop } from '../../reconcileLoop';
import { randomNameSuffix } from '../generatedNames';
import { arrayAt, isObject, numberAt, objectAt, stringAt, stringMap, type JsonObject } from '../json';
import { resourceByName } from '../resources';
import { nameOf, namespaceOf, timestamp, type KubeObject, type ObjectStore } from '../store';

const JOBS = resourceByName('jobs');
const PODS = resourceByName('pods');

interface Run {
  logs: string;
  exitCode: number;
}

/** `sh -c "…"` scripts (and bare `echo`) as far as a test Job needs: echo prints, exit ends; anything else does nothing. */
export function runCommand(container: JsonObject): Run {
  const argv = [...(arrayAt(container, 'command') ?? []), ...(arrayAt(container, 'args') ?? [])].map(String);
  const shell = /(^|\/)(ba)?sh$/.test(argv[0] ?? '') && argv[1] === '-c';
  const script = shell ? (argv[2] ?? '') : argv.map((arg) => (/\s/.test(arg) ? `'${arg}'` : arg)).join(' ');
  const lines: string[] = [];
  for (const statement of script.split(/\n|;|&&/).map((s) => s.trim()).filter((s) => s !== '')) {
    const [word, ...rest] = statement.split(/\s+/);
    if (word === 'echo') lines.push(rest.join(' ').replace(/^(['"])(.*)\1$/, '$2'));
    if (word === 'exit') {
      const code = Number(rest[0] ?? 0);
      if (code !== 0) return { logs: lines.map((l) => `${l}\n`).join(''), exitCode: code };
      break;
    }
  }
  return { logs: lines.map((l) => `${l}\n`).join(''), exitCode: 0 };
}

function jobOwner(pod: KubeObject): string | undefined {
  const owner = (arrayAt(pod, 'metadata', 'ownerReferences') ?? []).find((o) => isObject(o) && o.kind === 'Job');
  return isObject(owner) && typeof owner.uid === 'string' ? owner.uid : undefined;
}

function finished(job: KubeObject): boolean {
  return (arrayAt(job, 'status', 'conditions') ?? []).some((c) => isObject(c) && (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function condition(type: string, reason: string, message: string, at: string): JsonObject {
  return { type, status: 'True', reason, message, lastProbeTime: at, lastTransitionTime: at };
}

export class JobController {
  /** `<namespace>/<pod>` → container → its log. */
  private readonly logs = new Map<string, Map<string, string>>();
  private readonly bornAt = new Map<string, number>();
  private readonly loop = new ReconcileLoop(() => this.reconcile());

  constructor(private readonly store: ObjectStore, private readonly delayMs: () => number) {
    store.onChange(() => this.loop.schedule());
  }

  stop(): void {
    this.loop.stop();
  }

  /** The log of one container of a pod, or undefined when it has none yet (not a Job's pod, or not run). */
  logOf(namespace: string, pod: string, container: string): string | undefined {
    return this.logs.get(`${namespace}/${pod}`)?.get(container);
  }

  private reconcile(): number {
    const now = Date.now();
    let wakeAt = Infinity;
    const jobs = this.store.list(JOBS);
    for (const job of jobs) if (!finished(job)) wakeAt = Math.min(wakeAt, this.reconcileJob(job, now));
    const uids = new Set(jobs.map((job) => String(job.metadata.uid)));
    for (const pod of this.store.list(PODS)) {
      const owner = jobOwner(pod);
      if (owner !== undefined && !uids.has(owner)) {
        this.logs.delete(`${namespaceOf(pod)}/${nameOf(pod)}`);
        this.store.remove(PODS, namespaceOf(pod), nameOf(pod));
      }
    }
    return wakeAt;
  }

  private reconcileJob(job: KubeObject, now: number): number {
    const uid = String(job.metadata.uid);
    const pods = this.store.list(PODS, namespaceOf(job)).filter((pod) => jobOwner(pod) === uid);
    const phase = (pod: KubeObject) => stringAt(pod, 'status', 'phase');
    const succeeded = pods.filter((pod) => phase(pod) === 'Succeeded').length;
    const failed = pods.filter((pod) => phase(pod) === 'Failed').length;
    const backoffLimit = numberAt(job, 'spec', 'backoffLimit') ?? 6;
    const at = timestamp();
    if (succeeded > 0) return this.finish(job, { succeeded, failed, conditions: [condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', at), condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', at)] });
    if (failed > backoffLimit) return this.finish(job, { failed, conditions: [condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', at), condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', at)] });
    const active = pods.find((pod) => phase(pod) === 'Pending') ?? this.createPod(job);
    const runAt = (this.bornAt.get(String(active.metadata.uid)) ?? now) + this.delayMs();
    if (now < runAt) {
      this.writeStatus(job, { active: 1, ...(failed > 0 ? { failed } : {}) });
      return runAt;
    }
    this.runPod(active);
    // The pod's new phase brings the next pass (the store's change listener).
    return Infinity;
  }

  private createPod(job: KubeObject): KubeObject {
    const template = objectAt(job, 'spec', 'template') ?? {};
    const uid = String(job.metadata.uid);
    const name = nameOf(job);
    const labels = { ...stringMap(objectAt(template, 'metadata', 'labels')), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-${randomNameSuffix()}`, generateName: `${name}-`, namespace: namespaceOf(job), labels,
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...(objectAt(template, 'spec') ?? {}), nodeName: 'fake-node-1' },
      status: { phase: 'Pending', startTime: timestamp() },
    };
    const stored = this.store.create(PODS, pod);
    this.bornAt.set(String(stored.metadata.uid), Date.now());
    return stored;
  }

  private runPod(pod: KubeObject): void {
    const containers = (arrayAt(pod, 'spec', 'containers') ?? []).filter(isObject);
    const runs = containers.map((container) => ({ name: String(container.name ?? ''), image: container.image ?? null, ...runCommand(container) }));
    this.logs.set(`${namespaceOf(pod)}/${nameOf(pod)}`, new Map(runs.map((run) => [run.name, run.logs])));
    const now = timestamp();
    pod.status = {
      ...(isObject(pod.status) ? pod.status : {}),
      phase: runs.every((run) => run.exitCode === 0) ? 'Succeeded' : 'Failed',
      containerStatuses: runs.map((run) => ({
        name: run.name, image: run.image, ready: false, started: false, restartCount: 0,
        state: { terminated: { exitCode: run.exitCode, reason: run.exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } },
      })),
    };
    this.bornAt.delete(String(pod.metadata.uid));
    this.store.write(PODS, pod);
  }

  private finish(job: KubeObject, status: JsonObject): number {
    const now = timestamp();
    const startTime = stringAt(job, 'status', 'startTime') ?? now;
    this.writeStatus(job, { ...status, startTime, ...(status.succeeded === undefined ? {} : { completionTime: now }) });
    return Infinity;
  }

  private writeStatus(job: KubeObject, status: JsonObject): void {
    const next: JsonObject = { startTime: stringAt(job, 'status', 'startTime') ?? timestamp(), ...status };
    if (JSON.stringify(next) === JSON.stringify(job.status)) return;
    job.status = next;
    this.store.write(JOBS, job);
  }
}
