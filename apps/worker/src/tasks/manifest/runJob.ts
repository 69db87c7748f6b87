import { createHash } from 'node:crypto';
import {
  ManifestProblem,
  checkJobManifest,
  isPlainObject,
  jobManifestOf,
  jobNameFor,
  manifestNameOf,
  propertiesFromLog,
  runJobManifestFieldsSchema,
  stabilityOf,
  stableTimeoutMs,
  withMoniker,
} from '@gantry/core';
import { isProviderError } from '@gantry/providers';
import type { KubeJson, KubernetesManifests } from '@gantry/providers/kubernetes';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { readFields } from '../readFields';
import { TaskFailure, type TaskContext } from '../Task';
import { MANIFEST_REFS, failOn, manifestTask, manifestsOf, namesByNamespace, recordedRefs, refOf, type ManifestRef } from './context';

const MANAGED_BY = 'gantry';
/** Lines of each container's log kept in the stage outputs (the UI shows them); properties are read from more. */
const LOG_TAIL_LINES = 100;
const PROPERTY_LOG_LINES = 10_000;
/** Lines of the failed pod's log quoted in the stage's error. */
const ERROR_TAIL_LINES = 5;

/**
 * `runJobManifest`, step 1: creates the stage's Job under a name fixed by the execution, the
 * stage and its attempt (core's `jobNameFor`), so a re-run of this step after a crash finds the
 * Job it created instead of starting another; restarting the stage runs a new one.
 */
export const runJobTask = manifestTask({
  name: 'runJob',
  async run(ctx) {
    const fields = readFields(runJobManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    let job;
    try {
      job = checkJobManifest(jobManifestOf(fields));
    } catch (error) {
      if (error instanceof ManifestProblem) throw new TaskFailure(error.message);
      throw error;
    }
    const resource = await client.resourceFor(job.kind, job.apiVersion);
    const written = typeof job.metadata.namespace === 'string' && job.metadata.namespace !== '' ? job.metadata.namespace : undefined;
    const namespace = written ?? (fields.namespace || client.defaultNamespace);
    client.checkNamespace(namespace, 'runJobManifest');
    const digest = createHash('sha256').update(`${ctx.execution.id}/${ctx.stage.id}/${ctx.stage.attempt}`).digest();
    const name = jobNameFor(job, digest);
    const ref = refOf(resource, name, namespace);

    if ((await client.get(resource, namespace, name)) === null) {
      // generateName would make the API server pick another name on every create: the stage's name replaces it.
      const { generateName, ...metadata } = job.metadata;
      const base = typeof job.metadata.name === 'string' && job.metadata.name !== '' ? job.metadata.name : String(generateName).replace(/-$/, '');
      const app = fields.application || ctx.execution.application;
      const named = withMoniker({ ...job, metadata: { ...metadata, name, namespace } }, { app, cluster: manifestNameOf(job.kind, base) }, MANAGED_BY);
      try {
        await client.apply(named);
      } catch (error) {
        // The API server's refusal (422 Invalid…) names the field; say which Job it was about.
        if (isProviderError(error) && !error.retryable) throw failOn(ref, error.reason);
        throw error;
      }
    }
    return {
      status: 'SUCCEEDED',
      outputs: {
        [MANIFEST_REFS]: [ref],
        'deploy.account.name': client.account.name,
        'deploy.jobs': { [namespace]: [name] },
        'outputs.manifestNamesByNamespace': namesByNamespace([ref]),
      },
    };
  },
});

function metadataOf(object: KubeJson): Record<string, unknown> {
  return isPlainObject(object.metadata) ? object.metadata : {};
}

function nameOf(object: KubeJson): string {
  const { name } = metadataOf(object);
  return typeof name === 'string' ? name : '';
}

/** The Job's newest pod: the one whose logs tell how it ended (earlier ones failed and were retried). */
async function newestPod(client: KubernetesManifests, job: KubeJson, namespace: string): Promise<KubeJson | undefined> {
  const { uid } = metadataOf(job);
  // controller-uid: the label every Kubernetes version puts on a Job's pods (job-name can be ambiguous after a re-create).
  const pods = await client.list(await client.resourceFor('Pod', 'v1'), namespace, `controller-uid=${typeof uid === 'string' ? uid : ''}`);
  const created = (pod: KubeJson) => {
    const at = metadataOf(pod).creationTimestamp;
    return typeof at === 'string' ? at : '';
  };
  return pods.sort((a, b) => created(b).localeCompare(created(a)) || nameOf(b).localeCompare(nameOf(a)))[0];
}

function containerNames(pod: KubeJson): string[] {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  return (Array.isArray(spec.containers) ? spec.containers : []).flatMap((container) => (isPlainObject(container) && typeof container.name === 'string' ? [container.name] : []));
}

function tail(text: string, lines: number): string {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-lines).join('\n');
}

interface JobLogs {
  pod: string;
  /** Container → its log (up to PROPERTY_LOG_LINES lines). */
  containers: Record<string, string>;
}

async function logsOf(client: KubernetesManifests, job: KubeJson, ref: ManifestRef): Promise<JobLogs | undefined> {
  const namespace = ref.namespace ?? client.defaultNamespace;
  const pod = await newestPod(client, job, namespace);
  if (pod === undefined) return undefined;
  const name = nameOf(pod);
  const containers: Record<string, string> = {};
  for (const container of containerNames(pod)) containers[container] = await client.logs(namespace, name, container, PROPERTY_LOG_LINES);
  return { pod: name, containers };
}

/**
 * `runJobManifest`, step 2: waits for the Job to finish (up to `waitForStableTimeoutSec`, default
 * 30 min). On success, its newest pod's log tails become the `logs` output and the properties
 * in them (`SPINNAKER_PROPERTY_<KEY>=…`, `SPINNAKER_CONFIG_JSON=…`; only the `propertyFile`
 * container's when one is named, as Spinnaker reads them) become outputs later stages read as
 * `${key}`. A failed Job ends the stage naming it, the cluster's reason and its last log lines.
 */
export const waitOnJobCompletionTask = manifestTask({
  name: 'waitOnJobCompletion',
  async run(ctx: TaskContext) {
    const fields = readFields(runJobManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const [ref] = recordedRefs(ctx);
    if (ref === undefined) throw new TaskFailure('waitOnJobCompletion: the stage recorded no Job');
    const live = await client.get(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name);
    if (live === null) throw failOn(ref, 'does not exist (deleted while the stage waited for it?)');
    const stability = stabilityOf(live);
    if (stability.state === 'waiting') {
      const timeoutMs = stableTimeoutMs(fields);
      const remainingMs = timeLeftMs(ctx.task, timeoutMs);
      if (remainingMs <= 0) return { status: 'TERMINAL', error: `job ${ref.name}: not finished within ${timeoutMs / 1000} s (waitForStableTimeoutSec)` };
      return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
    }
    const logs = await logsOf(client, live, ref);
    const tails = Object.fromEntries(Object.entries(logs?.containers ?? {}).map(([container, text]) => [container, tail(text, LOG_TAIL_LINES)]));
    if (stability.state === 'failed') {
      const last = Object.entries(logs?.containers ?? {}).map(([container, text]) => `${container}: ${tail(text, ERROR_TAIL_LINES).replaceAll('\n', ' | ')}`).join('; ');
      throw failOn(ref, `${stability.reason}${logs === undefined || last === '' ? '' : ` (last log lines of pod ${logs.pod}: ${last})`}`);
    }
    let properties: Record<string, unknown> = {};
    if (fields.propertyFile !== undefined) {
      const text = logs?.containers[fields.propertyFile];
      if (text === undefined) throw failOn(ref, `propertyFile ${fields.propertyFile} is not a container of its pod${logs === undefined ? '' : ` ${logs.pod} (${Object.keys(logs.containers).join(', ')})`}`);
      properties = parse(ref, text);
    } else {
      for (const text of Object.values(logs?.containers ?? {})) properties = { ...properties, ...parse(ref, text) };
    }
    return {
      status: 'SUCCEEDED',
      outputs: {
        ...properties,
        propertyFileContents: properties,
        jobStatus: { name: ref.name, namespace: ref.namespace ?? client.defaultNamespace, status: 'SUCCEEDED', ...(logs === undefined ? {} : { pod: logs.pod }) },
        logs: tails,
      },
    };
  },
});

function parse(ref: ManifestRef, text: string): Record<string, unknown> {
  try {
    return propertiesFromLog(text);
  } catch (error) {
    if (error instanceof ManifestProblem) throw failOn(ref, error.message);
    throw error;
  }
}
