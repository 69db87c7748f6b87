import { chaosAmountOf, chaosFieldsSchema, randomFromSeed } from '@gantry/core';
import { checkChaosKill, chooseVictims, describeHealth, hasRecovered, victimCount } from '@gantry/strategies';
import { z } from 'zod';
import { chosenServerGroup, describeServerGroup, providerFor, refOf } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { readFields } from '../readFields';
import { TaskFailure, type TaskContext } from '../Task';

const victimsSchema = z.object({ victims: z.array(z.string()).min(1) });

/**
 * `chaos`, step 2: reads the group's instances, chooses the victims (seeded by the stage attempt)
 * and checks the guard rail; refused, the stage fails with the reason. The choice is recorded in
 * the outputs before step 3 kills anything, so a retried kill hits the same instances.
 */
export const chooseChaosVictimsTask = serverGroupTask({
  name: 'chooseChaosVictims',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const fields = readFields(chaosFieldsSchema, ctx);
    const { provider } = providerFor(ctx, chosen.account);
    const group = await provider.getServerGroup(refOf(chosen));
    if (group === null) throw new TaskFailure(`server group ${describeServerGroup(chosen)} does not exist`);
    const instances = await provider.listInstances(refOf(chosen));
    const desired = group.capacity.desired;
    const victims = chooseVictims(instances, victimCount(chaosAmountOf(fields), desired, instances.length), randomFromSeed(`${ctx.execution.id}:${ctx.stage.id}:${ctx.stage.attempt}`));
    const verdict = checkChaosKill({ desired, instances, victims, minHealthyPercent: fields.minHealthyPercent });
    const seen = { instances: instances.map((instance) => ({ ...instance })), desired };
    if (!verdict.allowed) {
      return { status: 'TERMINAL', error: `chaos refused on ${describeServerGroup(chosen)}: ${verdict.reason}`, outputs: { ...seen, refused: verdict.reason } };
    }
    return { status: 'SUCCEEDED', outputs: { ...seen, victims, dryRun: fields.dryRun } };
  },
});

function recordedVictims(ctx: TaskContext): string[] {
  const parsed = victimsSchema.safeParse(ctx.stage.outputs);
  if (!parsed.success) throw new TaskFailure(`${ctx.task.name}: no victims were recorded by chooseChaosVictims`);
  return parsed.data.victims;
}

/** `chaos`, step 3: terminates the recorded victims; the group replaces them (idempotent by instance id). */
export const terminateChaosVictimsTask = serverGroupTask({
  name: 'terminateChaosVictims',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const victims = recordedVictims(ctx);
    await providerFor(ctx, chosen.account).provider.terminateInstances(refOf(chosen), victims);
    return { status: 'SUCCEEDED', outputs: { terminatedInstances: victims, terminatedAt: new Date().toISOString() } };
  },
});

/**
 * `chaos`, step 4: polls until no victim is listed and the desired capacity is healthy again;
 * past `expectRecoveryWithinSec` (counted from this task's first run) the stage fails.
 */
export const waitForChaosRecoveryTask = serverGroupTask({
  name: 'waitForChaosRecovery',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const fields = readFields(chaosFieldsSchema, ctx);
    const victims = recordedVictims(ctx);
    const { provider } = providerFor(ctx, chosen.account);
    const group = await provider.getServerGroup(refOf(chosen));
    if (group === null) throw new TaskFailure(`server group ${describeServerGroup(chosen)} does not exist (deleted after the chaos?)`);
    const instances = await provider.listInstances(refOf(chosen));
    if (hasRecovered(instances, victims, group.capacity.desired)) {
      return { status: 'SUCCEEDED', outputs: { recovered: true, recoveredAt: new Date().toISOString(), health: { ...group.health } } };
    }
    const timeoutMs = fields.expectRecoveryWithinSec * 1000;
    const remainingMs = timeLeftMs(ctx.task, timeoutMs);
    if (remainingMs <= 0) {
      return {
        status: 'TERMINAL',
        error: `server group ${describeServerGroup(chosen)} did not recover within ${fields.expectRecoveryWithinSec} s (expectRecoveryWithinSec) after terminating ${victims.join(', ')}: ${describeHealth(group.health)}`,
        outputs: { recovered: false, health: { ...group.health } },
      };
    }
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
  },
});
