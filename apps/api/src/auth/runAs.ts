import { ForbiddenError, ValidationError, isAdmin, type Principal } from '@gantry/core';
import type { AuthStore } from '@gantry/store';

/**
 * A save-time check, as Spinnaker's: a trigger may name a service account (`runAsUser`) only if
 * it exists and the saver holds every one of its roles, so naming it grants nothing new. A trigger
 * without one is fine: it runs as the principal who saved the pipeline.
 */
export async function checkRunAs(principal: Principal | undefined, definition: { triggers?: unknown }, accounts: Pick<AuthStore, 'serviceAccount'> | undefined): Promise<void> {
  const triggers = Array.isArray(definition.triggers) ? definition.triggers : [];
  for (const [index, trigger] of triggers.entries()) {
    const name = (trigger as { runAsUser?: unknown } | null)?.runAsUser;
    if (typeof name !== 'string' || accounts === undefined || principal === undefined) continue;
    const account = await accounts.serviceAccount(name);
    if (account === undefined) {
      const message = `no service account ${name} (an admin creates it with PUT /api/v1/serviceAccounts/${name})`;
      throw new ValidationError(`triggers.${index}.runAsUser: ${message}`, [{ path: ['triggers', index, 'runAsUser'], message }]);
    }
    const missing = isAdmin(principal.roles) ? [] : account.roles.filter((role) => !principal.roles.includes(role));
    if (missing.length > 0) {
      throw new ForbiddenError(`${principal.name} may not make triggers run as ${name}: it lacks role ${missing.join(', ')}`, {
        missing: missing.map((role) => `role ${role}`),
      });
    }
  }
}
