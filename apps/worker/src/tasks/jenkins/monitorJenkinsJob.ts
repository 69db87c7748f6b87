import { buildInfoOf, jenkinsOutcome } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { TaskFailure } from '../Task';
import { jenkinsStep, jenkinsTask, numberOutput } from './jenkinsTask';

/** How long a build may run (orca's MonitorJenkinsJobTask: two hours). */
export const BUILD_TIMEOUT_MS = 2 * 60 * 60_000;

/**
 * `jenkins` stage, step 3 with `waitForCompletion` (orca's MonitorJenkinsJobTask): polls the build
 * until it is no longer building and has a result; `buildInfo` is kept current meanwhile. SUCCESS
 * succeeds, UNSTABLE only with `markUnstableAsSuccessful`, anything else fails naming the build.
 */
export const monitorJenkinsJobTask = jenkinsTask({
  name: 'monitorJenkinsJob',
  timeoutMs: BUILD_TIMEOUT_MS,
  async run(ctx) {
    const { fields, client, label } = jenkinsStep(ctx);
    const number = numberOutput(ctx.stage.outputs, 'buildNumber');
    if (number === undefined) throw new TaskFailure(`${label}: no build number recorded (buildNumber output missing)`);
    const build = await client.build(fields.job, number);
    if (build === null) throw new TaskFailure(`${label}: build #${number} is gone from Jenkins`);
    const buildInfo = buildInfoOf(build, fields.job);
    const outputs: JsonObject = { buildInfo: buildInfo };
    const outcome = buildInfo.building ? 'pending' : jenkinsOutcome(buildInfo.result, fields.markUnstableAsSuccessful);
    switch (outcome) {
      case 'pending':
        return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, timeLeftMs(ctx.task, BUILD_TIMEOUT_MS)), outputs };
      case 'succeeded':
        return { status: 'SUCCEEDED', outputs };
      case 'failed':
        return { status: 'TERMINAL', error: `${label}: build #${number} ended ${buildInfo.result ?? 'without a result'} (${buildInfo.url})`, outputs };
    }
  },
}, { pollsFor: BUILD_TIMEOUT_MS });
