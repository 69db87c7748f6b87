import { executionPrincipal, missingPermissions, type Permission } from '@gantry/core';
import type { TaskContext } from './Task';

/** Who the execution acts as and with which roles now; `principal` undefined when the worker checks nothing (authentication off). */
export type ResolvedPrincipal = { ok: true; principal: { name: string; roles: readonly string[] } | undefined } | { ok: false; error: string };

/**
 * The principal an execution acts as: its runAsUser service account with that account's roles now,
 * or the recorded user with the roles recorded. `purpose` completes "nothing … on behalf of no one"
 * when the execution records no principal.
 */
export async function resolvePrincipal(ctx: TaskContext, purpose: string): Promise<ResolvedPrincipal> {
  const source = ctx.services.permissions;
  if (source === undefined) return { ok: true, principal: undefined };
  const principal = executionPrincipal(ctx.execution.trigger);
  if (principal === undefined) {
    return { ok: false, error: `the execution records no principal to check permissions for (no trigger.user or trigger.runAsUser): nothing ${purpose} on behalf of no one` };
  }
  if (principal.kind === 'recorded') return { ok: true, principal: { name: principal.name, roles: principal.roles } };
  const account = await source.serviceAccount(principal.name);
  if (account === undefined) return { ok: false, error: `the execution runs as service account ${principal.name}, which no longer exists` };
  return { ok: true, principal: { name: principal.name, roles: account.roles } };
}

export type PrincipalCheck = { ok: true } | { ok: false; error: string } | { ok: false; principal: string; missing: Permission };

/**
 * Whether the principal the execution acts as holds `required` now, as Fiat re-checks in Spinnaker;
 * `ok` too when the worker has no permission source (authentication off).
 */
export async function checkPrincipal(ctx: TaskContext, required: readonly Permission[], purpose: string): Promise<PrincipalCheck> {
  const resolved = await resolvePrincipal(ctx, purpose);
  if (!resolved.ok) return resolved;
  const source = ctx.services.permissions;
  if (resolved.principal === undefined || source === undefined) return { ok: true };
  const [missing] = missingPermissions(await source.grants(), resolved.principal.roles, required);
  return missing === undefined ? { ok: true } : { ok: false, principal: resolved.principal.name, missing };
}
