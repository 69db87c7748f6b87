import { executionPrincipal, missingPermissions, type Permission } from '@gantry/core';
import type { TaskContext } from './Task';

export type PrincipalCheck = { ok: true } | { ok: false; error: string } | { ok: false; principal: string; missing: Permission };

/**
 * Whether the principal an execution acts as (its runAsUser service account with that account's
 * roles now, or the recorded user with the roles recorded) holds `required` now, as Fiat re-checks
 * in Spinnaker; `ok` too when the worker has no permission source (authentication off). `purpose`
 * completes "nothing … on behalf of no one" when the execution records no principal.
 */
export async function checkPrincipal(ctx: TaskContext, required: readonly Permission[], purpose: string): Promise<PrincipalCheck> {
  const source = ctx.services.permissions;
  if (source === undefined) return { ok: true };
  const principal = executionPrincipal(ctx.execution.trigger);
  if (principal === undefined) {
    return { ok: false, error: `the execution records no principal to check permissions for (no trigger.user or trigger.runAsUser): nothing ${purpose} on behalf of no one` };
  }
  let roles: readonly string[];
  if (principal.kind === 'serviceAccount') {
    const account = await source.serviceAccount(principal.name);
    if (account === undefined) return { ok: false, error: `the execution runs as service account ${principal.name}, which no longer exists` };
    roles = account.roles;
  } else {
    roles = principal.roles;
  }
  const [missing] = missingPermissions(await source.grants(), roles, required);
  return missing === undefined ? { ok: true } : { ok: false, principal: principal.name, missing };
}
