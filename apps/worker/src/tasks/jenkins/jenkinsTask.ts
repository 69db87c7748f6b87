import { jenkinsFieldsSchema, jenkinsJobPath, type JenkinsFields } from '@gantry/core';
import { JenkinsError, type JenkinsClient, type JenkinsParameters } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { readFields } from '../readFields';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { TaskFailure, TransientTaskError, defineTask, type TaskContext, type TaskImplementation } from '../Task';

/**
 * A jenkins stage task: Jenkins errors a retry may heal (5xx, unreachable) are retried by the
 * engine; the rest (credentials refused, no such job) end the stage naming the master. A polling
 * task (`pollsFor`: its timeout) rides out an outage for as long as it may poll, as orca's monitor
 * tasks keep RUNNING on Jenkins's 5xx: a Jenkins restart takes longer than the engine's retries.
 */
export function jenkinsTask<Name extends string>(task: TaskImplementation<Name>, options: { pollsFor?: number } = {}): TaskImplementation<Name> {
  const defined = defineTask(task);
  return {
    ...defined,
    async run(ctx) {
      try {
        return await defined.run(ctx);
      } catch (error) {
        if (!(error instanceof JenkinsError)) throw error;
        if (error.kind === 'fatal') return { status: 'TERMINAL', error: error.message };
        if (options.pollsFor === undefined) throw new TransientTaskError(error.message, { cause: error });
        return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, timeLeftMs(ctx.task, options.pollsFor)), state: { lastError: error.message } };
      }
    },
  };
}

export interface JenkinsStep {
  fields: JenkinsFields;
  client: JenkinsClient;
  /** "job team/build on Jenkins master ci", for messages. */
  label: string;
}

/** The stage's fields and a client for its master; a master nobody configured fails the stage naming it. */
export function jenkinsStep(ctx: TaskContext): JenkinsStep {
  const fields = readFields(jenkinsFieldsSchema, ctx);
  const client = ctx.services.jenkins(fields.master);
  if (client === undefined) throw new TaskFailure(`no Jenkins master named ${fields.master} is configured (jenkinsMasters / GANTRY_JENKINS_MASTERS)`);
  return { fields, client, label: `job ${fields.job} on Jenkins master ${fields.master}` };
}

/**
 * What startJenkinsJob recorded before it queued the build, so that whoever comes after a crash
 * can find the build it may have queued: builds numbered from `nextBuildNumber` on, or queue
 * items of the job, carrying exactly these `parameters` (null: the job takes none).
 */
export interface JenkinsLaunch {
  nextBuildNumber: number;
  parameters: JenkinsParameters | null;
}

export function recordedLaunch(outputs: JsonObject): JenkinsLaunch | undefined {
  const launch = outputs.jenkinsLaunch;
  if (launch === null || typeof launch !== 'object' || Array.isArray(launch)) return undefined;
  const { nextBuildNumber, parameters } = launch as Record<string, unknown>;
  if (typeof nextBuildNumber !== 'number') return undefined;
  return {
    nextBuildNumber,
    parameters: parameters !== null && typeof parameters === 'object' ? (parameters as JenkinsParameters) : null,
  };
}

export const numberOutput = (outputs: JsonObject, key: string): number | undefined => (typeof outputs[key] === 'number' ? (outputs[key]) : undefined);

const carries = (actual: JenkinsParameters, expected: JenkinsParameters | null): boolean =>
  expected === null || Object.entries(expected).every(([name, value]) => actual[name] === value);

/**
 * The queue item or build a launch queued, if Jenkins shows one. The queue is read before the
 * builds, so an item that leaves the queue between the two reads is still seen as a build.
 */
export async function findLaunched(client: JenkinsClient, job: string, launch: JenkinsLaunch): Promise<{ queueItem?: number; buildNumber?: number } | undefined> {
  const jobPath = `${jenkinsJobPath(job)}/`;
  const queued = (await client.queue()).find((item) => new URL(item.taskUrl, 'http://x').pathname.endsWith(jobPath) && carries(item.parameters, launch.parameters));
  if (queued !== undefined) return { queueItem: queued.id, ...(queued.buildNumber === undefined ? {} : { buildNumber: queued.buildNumber }) };
  const builds = (await client.buildsSince(job, launch.nextBuildNumber)).filter((build) => carries(build.parameters, launch.parameters));
  // The oldest match: the first build queued after the launch was recorded.
  const build = builds.sort((a, b) => a.number - b.number)[0];
  if (build === undefined) return undefined;
  return { buildNumber: build.number, ...(build.queueId === undefined ? {} : { queueItem: build.queueId }) };
}
