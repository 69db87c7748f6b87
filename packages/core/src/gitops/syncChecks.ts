import { describePermission, mayRunAs, missingPermissions, type Grant, type WatchAccounts } from '../authorization';
import type { PipelineDefinition } from '../pipeline';
import { saveRuleViolations, type PolicyAccount, type SaveRule } from '../policy/saveRules';
import type { TrafficRouter } from '../routing/routers';
import { abTestRoutingIssues, abTestRoutingRefusal } from '../stages/serverGroup/abTest';

/**
 * Who a pipelines repository's sync acts as: its `runAs` service account with that account's roles
 * now; `refused` when that principal cannot be had (none configured while authentication is on,
 * or the account is gone), which refuses every file; undefined when nothing is checked
 * (authentication off, as for a save through the API).
 */
export type SyncPrincipal = { name: string; roles: readonly string[] } | { refused: string } | undefined;

export interface SyncCheckInputs {
  principal: SyncPrincipal;
  grants: readonly Grant[];
  /** The roles of each service account the files' triggers name (absent: no such account). */
  serviceAccounts: ReadonlyMap<string, readonly string[]>;
  /** The deploy policy's save rules and the accounts (with tags) they read. */
  rules: readonly SaveRule[];
  accounts: readonly PolicyAccount[];
  /** The drift watches' accounts, which a syncManifests stage naming a watch acts in (the rules see it). */
  watchAccounts?: WatchAccounts;
  /** Each account's router for a cluster (undefined: unknown), for the abTest stages' rules; absent: not checked. */
  routerOf?: (account: string, cluster: string) => TrafficRouter | undefined;
}

/**
 * The checks a save through the API makes (POST/PUT /pipelines: WRITE on the application, and on
 * the one the pipeline moves from; a trigger's runAsUser only for a saver holding all its roles;
 * the deploy policy's save rules; abTest rules the cluster's router can carry), for one file of a synced commit, as its errors in the sync
 * report: a pipeline from git gets no right an API save would not.
 */
export function syncRefusals(definition: PipelineDefinition, previousApplication: string | undefined, inputs: SyncCheckInputs): string[] {
  const errors: string[] = [];
  const { principal } = inputs;
  if (principal !== undefined && 'refused' in principal) errors.push(principal.refused);
  else if (principal !== undefined) {
    const applications = [...new Set([definition.application, ...(previousApplication === undefined ? [] : [previousApplication])])];
    const missing = missingPermissions(
      inputs.grants,
      principal.roles,
      applications.map((name) => ({ kind: 'application' as const, name, action: 'WRITE' as const })),
    );
    errors.push(...missing.map((permission) => `${principal.name} lacks ${describePermission(permission)}, which saving this pipeline needs`));
    for (const [index, trigger] of definition.triggers.entries()) {
      if (typeof trigger.runAsUser !== 'string') continue;
      const roles = inputs.serviceAccounts.get(trigger.runAsUser);
      if (roles === undefined) errors.push(`triggers.${index}.runAsUser: no service account ${trigger.runAsUser}`);
      else if (!mayRunAs(principal.roles, roles)) {
        errors.push(`triggers.${index}.runAsUser: ${principal.name} may not make triggers run as ${trigger.runAsUser}: it lacks role ${roles.filter((role) => !principal.roles.includes(role)).join(', ')}`);
      }
    }
  }
  const violations = saveRuleViolations(inputs.rules, definition, inputs.accounts, inputs.watchAccounts);
  if (violations.length > 0) errors.push(`the deploy policy refuses this pipeline: ${violations.map((violation) => `${violation.rule}: ${violation.message}`).join('; ')}`);
  const routing = inputs.routerOf === undefined ? [] : abTestRoutingIssues(definition.stages, inputs.routerOf);
  if (routing.length > 0) errors.push(abTestRoutingRefusal(routing));
  return errors;
}
