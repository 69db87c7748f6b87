import {
  ConflictError,
  canonicalJson,
  ValidationError,
  checkPipelineLock,
  describePermission,
  mayRunAs,
  parsePipelineDefinition,
  pipelineToSave,
  saveRuleViolations,
  savePipelineFieldsSchema,
  abTestRoutingIssues,
  abTestRoutingRefusal,
  type PipelineDefinition,
} from '@gantry/core';
import { routerLookup } from '@gantry/providers';
import { resolvePrincipal, checkPrincipal } from '../principal';
import { readFields } from '../readFields';
import { defineTask, type TaskContext, type TaskResult } from '../Task';

const PURPOSE = 'saves a pipeline';

/**
 * `savePipeline` (orca's SavePipelineTask, front50's save): decodes the pipeline, and saves it as
 * the execution's principal through the checks a save through the API makes: the definition's
 * schema, WRITE on its application (and on the one it moves from), the service accounts its
 * triggers name (held roles), the stored pipeline's lock, the deploy policy's save rules, abTest
 * rules the cluster's router can carry. An
 * unchanged definition is not saved again, so a re-run after a crash adds no second version.
 * Outputs orca's `notification.type`, `application`, `pipeline.name` and `pipeline.id`.
 */
export const savePipelineTask = defineTask({
  name: 'savePipeline',
  async run(ctx) {
    const fields = readFields(savePipelineFieldsSchema, ctx);
    const decoded = pipelineToSave(fields.pipeline);
    if (!decoded.ok) return { status: 'TERMINAL', error: decoded.reason };
    let definition: PipelineDefinition;
    try {
      definition = parsePipelineDefinition(decoded.document);
    } catch (error) {
      if (error instanceof ValidationError) return { status: 'TERMINAL', error: `pipeline: ${error.message}` };
      throw error;
    }
    const id = typeof decoded.document.id === 'string' ? decoded.document.id : undefined;
    const existing = await ctx.services.pipelines.find({ ...(id === undefined ? {} : { id }), application: definition.application, name: definition.name });

    const applications = [...new Set([definition.application, ...(existing === null ? [] : [existing.application])])];
    const checked = await checkPrincipal(ctx, applications.map((name) => ({ kind: 'application' as const, name, action: 'WRITE' as const })), PURPOSE);
    if (!checked.ok) return { status: 'TERMINAL', error: 'error' in checked ? checked.error : `${checked.principal} lacks ${describePermission(checked.missing)}, which saving this pipeline needs` };
    const runAs = await runAsRefusal(ctx, definition);
    if (runAs !== undefined) return { status: 'TERMINAL', error: runAs };
    const violations = saveRuleViolations(ctx.services.policy.rules, definition, policyAccounts(ctx));
    if (violations.length > 0) return { status: 'TERMINAL', error: `the deploy policy refuses this pipeline: ${violations.map((violation) => `${violation.rule}: ${violation.message}`).join('; ')}` };
    const routing = abTestRoutingIssues(definition.stages, routerLookup(ctx.services.providers.accounts()));
    if (routing.length > 0) return { status: 'TERMINAL', error: `pipeline: ${abTestRoutingRefusal(routing)}` };

    const outputs = { 'notification.type': 'savepipeline', application: definition.application, 'pipeline.name': definition.name };
    if (existing !== null && canonicalJson(existing.definition) === canonicalJson(definition)) {
      return { status: 'SUCCEEDED', outputs: { ...outputs, 'pipeline.id': existing.id, version: existing.version } };
    }
    try {
      if (existing !== null) checkPipelineLock(existing.definition, definition);
      const principal = await resolvePrincipal(ctx, PURPOSE);
      const actor = principal.ok && principal.principal !== undefined ? { name: principal.principal.name, roles: principal.principal.roles } : `execution ${ctx.execution.id}`;
      const saved = await ctx.services.pipelines.save({ definition, actor, ...(existing === null ? {} : { existing }) });
      return { status: 'SUCCEEDED', outputs: { ...outputs, 'pipeline.id': saved.id, version: saved.version } };
    } catch (error) {
      return refusal(error);
    }
  },
});

function refusal(error: unknown): TaskResult {
  if (error instanceof ValidationError || error instanceof ConflictError) return { status: 'TERMINAL', error: `pipeline: ${error.message}` };
  throw error;
}

/** A trigger may run as a service account only when the principal holds all its roles (Fiat's rule, as the API's save checks it). */
async function runAsRefusal(ctx: TaskContext, definition: PipelineDefinition): Promise<string | undefined> {
  const source = ctx.services.permissions;
  const named = definition.triggers.flatMap((trigger, index) => (typeof trigger.runAsUser === 'string' ? [{ index, name: trigger.runAsUser }] : []));
  if (source === undefined || named.length === 0) return undefined;
  const resolved = await resolvePrincipal(ctx, PURPOSE);
  if (!resolved.ok) return resolved.error;
  if (resolved.principal === undefined) return undefined;
  for (const { index, name } of named) {
    const account = await source.serviceAccount(name);
    if (account === undefined) return `pipeline: triggers.${index}.runAsUser: no service account ${name}`;
    if (!mayRunAs(resolved.principal.roles, account.roles)) return `${resolved.principal.name} may not make triggers run as ${name}: it lacks some of its roles (${account.roles.join(', ')})`;
  }
  return undefined;
}

function policyAccounts(ctx: TaskContext) {
  return ctx.services.providers.accounts().map((account) => ({ name: account.name, provider: account.provider, tags: account.tags ?? [] }));
}
