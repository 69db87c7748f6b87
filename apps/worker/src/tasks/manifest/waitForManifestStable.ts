import { manifestAccountFieldsSchema, stabilityOf, stableTimeoutFieldsSchema, stableTimeoutMs } from '@gantry/core';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { readFields } from '../readFields';
import { describeRef, failOn, manifestTask, manifestsOf, recordedRefs } from './context';

/**
 * The last step of the manifest stages that change objects: polls every object the stage
 * recorded until each is stable by its kind's rules (core's `stabilityOf`). A failure waiting
 * cannot fix (a Deployment past its progress deadline) ends the stage at once with the cluster's
 * reason; otherwise it gives up after `waitForStableTimeoutSec` (default 30 min), counted from
 * this task's first run, naming what each object still waits for.
 */
export const waitForManifestStableTask = manifestTask({
  name: 'waitForManifestStable',
  async run(ctx) {
    const timeoutMs = stableTimeoutMs(readFields(stableTimeoutFieldsSchema, ctx));
    const client = await manifestsOf(ctx, readFields(manifestAccountFieldsSchema, ctx));
    const waiting: string[] = [];
    for (const ref of recordedRefs(ctx)) {
      const resource = await client.resourceFor(ref.kind, ref.apiVersion);
      const live = await client.get(resource, ref.namespace, ref.name);
      if (live === null) throw failOn(ref, 'does not exist (deleted while the stage waited for it?)');
      const stability = stabilityOf(live);
      if (stability.state === 'failed') throw failOn(ref, stability.reason);
      if (stability.state === 'waiting') waiting.push(`${describeRef(ref)}: ${stability.reason}`);
    }
    if (waiting.length === 0) return { status: 'SUCCEEDED' };
    const remainingMs = timeLeftMs(ctx.task, timeoutMs);
    if (remainingMs <= 0) {
      return { status: 'TERMINAL', error: `not stable within ${timeoutMs / 1000} s (waitForStableTimeoutSec): ${waiting.join('; ')}` };
    }
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs), outputs: { waitingFor: waiting } };
  },
});
