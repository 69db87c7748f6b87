import { nextCanaryAbortStep } from '@gantry/strategies';
import { clusterRefOf, providerFor, refOf } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { ACT_AGAIN_MS, DESTROY_TIMEOUT_MS } from '../cloud/poll';
import { liveCanaryGroups, recordedCanaryGroups } from './canaryGroups';

/**
 * `canary`'s on-failure task: whatever failed the stage (its stageTimeoutMs, a provider error, a
 * group that never came up), a canary that was not promoted must not keep its traffic. The analysis
 * rolls back by itself when the judge fails it; this covers every other way the stage can end
 * TERMINAL. Each run does one idempotent step and looks again, so a crash simply carries it on.
 */
export const abortCanaryTask = serverGroupTask({
  name: 'abortCanary',
  timeoutMs: DESTROY_TIMEOUT_MS,
  async run(ctx) {
    const groups = recordedCanaryGroups(ctx);
    // The stage failed before it chose its groups: it made none and moved no traffic.
    if (groups === undefined) return { status: 'SUCCEEDED', outputs: { canaryAborted: false } };
    const { provider } = providerFor(ctx, groups.canary.account);
    const live = await liveCanaryGroups(provider, groups);
    const step = nextCanaryAbortStep(live, ctx.stage.outputs.canaryPromoted === true);
    switch (step.kind) {
      case 'restore':
        await provider.setTrafficWeights(clusterRefOf(groups.canary), step.weights);
        for (const name of step.destroy) await provider.destroy({ ...refOf(groups.canary), name });
        return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
      case 'destroyBaseline':
        await provider.destroy({ ...refOf(groups.canary), name: step.serverGroup });
        return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
      case 'done':
        // Not aborted when the promotion had finished (the canary serves) or production is gone.
        return { status: 'SUCCEEDED', outputs: { canaryAborted: step.restored, ...(step.restored ? { canaryRolledBack: true } : {}) } };
    }
  },
});
