import { ACT_AGAIN_MS } from '../cloud/poll';
import type { TaskResult } from '../Task';
import { findLaunched, jenkinsStep, jenkinsTask, numberOutput, recordedLaunch } from './jenkinsTask';

/**
 * Looks for a build this long after the cancel when nothing was found: a start that was running
 * when the cancel came may still be queuing its build (its result is voided, its POST is not).
 */
const LATE_LAUNCH_LOOKS = 3;

/**
 * `jenkins`'s cancel task (orca's StopJenkinsJobTask, made durable): stops the build the stage
 * queued, or takes its item out of the queue, whichever Jenkins shows now. Each run does one
 * idempotent call and looks again, so a crash or a race with the queue simply carries it on.
 */
export const stopJenkinsJobTask = jenkinsTask({
  name: 'stopJenkinsJob',
  async run(ctx): Promise<TaskResult> {
    const { fields, client } = jenkinsStep(ctx);
    const outputs = ctx.stage.outputs;
    let buildNumber = numberOutput(outputs, 'buildNumber');
    let queueItem = numberOutput(outputs, 'queuedBuild');
    if (buildNumber === undefined && queueItem === undefined) {
      const launch = recordedLaunch(outputs);
      // Nothing read from Jenkins yet: the stage queued nothing.
      if (launch === undefined) return { status: 'SUCCEEDED', outputs: { jenkinsStopped: false } };
      const found = await findLaunched(client, fields.job, launch);
      if (found === undefined) {
        return ctx.task.polls < LATE_LAUNCH_LOOKS ? { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS } : { status: 'SUCCEEDED', outputs: { jenkinsStopped: false } };
      }
      ({ buildNumber, queueItem } = found);
    }
    if (buildNumber === undefined && queueItem !== undefined) {
      const item = await client.queueItem(queueItem);
      if (item === null || item.cancelled) return { status: 'SUCCEEDED', outputs: { jenkinsStopped: { queuedBuild: queueItem } } };
      if (item.buildNumber === undefined) {
        await client.cancelQueueItem(queueItem);
        // Looks again: the item may have become a build just before the cancel reached it.
        return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, outputs: { queuedBuild: queueItem } };
      }
      buildNumber = item.buildNumber;
    }
    if (buildNumber === undefined) return { status: 'SUCCEEDED', outputs: { jenkinsStopped: false } };
    await client.stopBuild(fields.job, buildNumber);
    return { status: 'SUCCEEDED', outputs: { jenkinsStopped: { buildNumber } } };
  },
});
