import { accountOf, describeDriftResource, syncManifestsFieldsSchema } from '@gantry/core';
import { isProviderError } from '@gantry/providers';
import { readFields } from '../readFields';
import { TaskFailure } from '../Task';
import { manifestTask, spinnakerName } from './context';

/**
 * `syncManifests`: server-side applies (field manager gantry, forced: Gantry takes its fields back
 * from whoever changed them) the desired manifest of every object in scope that drifted or is
 * missing, then checks the scope again so the drift clears (audit event and notification) at once.
 * Idempotent: a re-run finds the objects in sync and applies nothing. A pipeline converges only
 * its own application's objects.
 */
export const syncManifestsTask = manifestTask({
  name: 'syncManifests',
  async run(ctx) {
    const fields = readFields(syncManifestsFieldsSchema, ctx);
    const { drift } = ctx.services;
    const application = ctx.execution.application;
    let scope: { watch: string } | { account: string; namespace?: string };
    if (fields.watch !== undefined) {
      const watch = drift.watch(fields.watch);
      if (watch === undefined) throw new TaskFailure(`watch: no drift watch '${fields.watch}' is configured`);
      if (watch.application !== application) throw new TaskFailure(`watch: drift watch '${watch.name}' belongs to application ${watch.application}, not ${application}`);
      scope = { watch: watch.name };
    } else {
      scope = { account: accountOf(fields), ...(fields.namespace === undefined ? {} : { namespace: fields.namespace }) };
    }
    const desired = (await drift.desired(scope)).filter((object) => object.application === application);
    const observations = await drift.observe(desired);
    const converged: string[] = [];
    for (const observation of observations.filter((candidate) => candidate.state !== 'in-sync')) {
      const object = desired.find((candidate) => candidate.kind === observation.kind && candidate.name === observation.name && candidate.namespace === observation.namespace && candidate.account === observation.account);
      if (object === undefined) continue;
      try {
        await object.client.apply(object.manifest);
      } catch (error) {
        if (isProviderError(error) && !error.retryable) throw new TaskFailure(`${describeDriftResource(object)}: ${error.reason}`);
        throw error;
      }
      converged.push(spinnakerName(object));
    }
    await drift.check(scope, { executionId: ctx.execution.id });
    return {
      status: 'SUCCEEDED',
      outputs: { 'outputs.convergedManifests': converged, 'outputs.inSyncManifests': observations.filter((o) => o.state === 'in-sync').map(spinnakerName) },
    };
  },
});
