import { buildInfoOf } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { TaskFailure } from '../Task';
import { jenkinsStep, jenkinsTask, numberOutput, recordedLaunch } from './jenkinsTask';

/** How long a build may wait in Jenkins's queue (for an executor, a quiet period, a blocked job). */
export const QUEUE_TIMEOUT_MS = 2 * 60 * 60_000;

/**
 * `jenkins` stage, step 2 (orca's MonitorQueuedJenkinsJobTask): polls the queue item until it
 * becomes a build and records the build's number. A queue item someone cancelled fails the stage
 * naming it. Jenkins forgets a left item after about five minutes; a worker that comes back later
 * finds the build by its `queueId`.
 */
export const waitForJenkinsJobStartTask = jenkinsTask({
  name: 'waitForJenkinsJobStart',
  timeoutMs: QUEUE_TIMEOUT_MS,
  async run(ctx) {
    const { fields, client, label } = jenkinsStep(ctx);
    let buildNumber = numberOutput(ctx.stage.outputs, 'buildNumber');
    const queueItem = numberOutput(ctx.stage.outputs, 'queuedBuild');
    if (buildNumber === undefined) {
      if (queueItem === undefined) throw new TaskFailure(`${label}: startJenkinsJob recorded no queue item (queuedBuild output missing)`);
      const item = await client.queueItem(queueItem);
      if (item === null) {
        const since = recordedLaunch(ctx.stage.outputs)?.nextBuildNumber ?? 1;
        buildNumber = (await client.buildsSince(fields.job, since)).find((build) => build.queueId === queueItem)?.number;
        if (buildNumber === undefined) throw new TaskFailure(`${label}: queue item ${queueItem} is gone from Jenkins and no build of the job came from it`);
      } else if (item.cancelled) {
        throw new TaskFailure(`${label}: queue item ${queueItem} was cancelled in Jenkins before it started`);
      } else if (item.buildNumber === undefined) {
        const waiting: JsonObject = item.why === undefined ? {} : { queuedBuildWhy: item.why };
        return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, timeLeftMs(ctx.task, QUEUE_TIMEOUT_MS)), outputs: waiting };
      } else {
        buildNumber = item.buildNumber;
      }
    }
    const build = await client.build(fields.job, buildNumber);
    const outputs: JsonObject = { buildNumber };
    if (build !== null) outputs.buildInfo = buildInfoOf(build, fields.job);
    return { status: 'SUCCEEDED', outputs };
  },
}, { pollsFor: QUEUE_TIMEOUT_MS });
