/**
 * Who may do what, as pure functions (Spinnaker Fiat's model): roles are granted READ, WRITE or
 * EXECUTE on an application or on a provider account; the `admin` role may do everything. No I/O:
 * the API loads the grants and the caller's roles, these functions decide.
 */
import { isPlainObject } from './celValues';

export const ACTIONS = ['READ', 'WRITE', 'EXECUTE'] as const;
export type Action = (typeof ACTIONS)[number];
export const RESOURCE_KINDS = ['application', 'account'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const ADMIN_ROLE = 'admin';
/** A grant's `name` that matches every application (or every account). */
export const ANY = '*';

/** One line of policy: `role` may do `actions` on the application (or account) `name`. */
export interface Grant {
  role: string;
  kind: ResourceKind;
  name: string;
  actions: Action[];
}

/** What a request needs: e.g. EXECUTE on account `local`. */
export interface Permission {
  kind: ResourceKind;
  name: string;
  action: Action;
}

/** An authenticated caller. `roles` come from its API token, its OIDC groups, or its service account. */
export interface Principal {
  name: string;
  roles: readonly string[];
  /** How the caller proved who it is. */
  via: 'token' | 'oidc' | 'service-account' | 'auth-off';
  /** A service account acting for a person (stated by the caller, recorded, never trusted for access). */
  onBehalfOf?: string;
}

export function isAdmin(roles: readonly string[]): boolean {
  return roles.includes(ADMIN_ROLE);
}

// WRITE and EXECUTE each include READ: who may change or run an application may see it (as in Fiat).
function grantCovers(actions: readonly Action[], wanted: Action): boolean {
  return actions.includes(wanted) || (wanted === 'READ' && actions.length > 0);
}

/** Whether the roles hold the permission. */
export function allows(grants: readonly Grant[], roles: readonly string[], permission: Permission): boolean {
  if (isAdmin(roles)) return true;
  return grants.some(
    (grant) =>
      roles.includes(grant.role) &&
      grant.kind === permission.kind &&
      (grant.name === ANY || grant.name === permission.name) &&
      grantCovers(grant.actions, permission.action),
  );
}

/** The permissions of `required` the roles lack, in order (empty: allowed). */
export function missingPermissions(grants: readonly Grant[], roles: readonly string[], required: readonly Permission[]): Permission[] {
  return required.filter((permission) => !allows(grants, roles, permission));
}

/** `EXECUTE on account local`: how a 403 names what is missing. */
export function describePermission(permission: Permission): string {
  return `${permission.action} on ${permission.kind} ${permission.name}`;
}

/** The names of `kind` the roles may READ: ANY, or the listed ones (for filtering listings). */
export function readable(grants: readonly Grant[], roles: readonly string[], kind: ResourceKind): typeof ANY | ReadonlySet<string> {
  if (isAdmin(roles)) return ANY;
  const names = new Set<string>();
  for (const grant of grants) {
    if (grant.kind !== kind || !roles.includes(grant.role) || !grantCovers(grant.actions, 'READ')) continue;
    if (grant.name === ANY) return ANY;
    names.add(grant.name);
  }
  return names;
}

/** Everything the roles may do, for `GET /me`: admin, or the grants of those roles. */
export function effectiveGrants(grants: readonly Grant[], roles: readonly string[]): Grant[] {
  return grants.filter((grant) => roles.includes(grant.role));
}

/** A stage and the clusters it deploys (`cluster`, or Spinnaker's `clusters[]`): where accounts and applications are named. */
function placesOf(stage: Record<string, unknown>): Record<string, unknown>[] {
  const clusters: unknown[] = Array.isArray(stage.clusters) ? stage.clusters : [];
  return [stage, stage.cluster, ...clusters].filter(isPlainObject);
}

// A name given by an expression is only known when the stage runs: it counts as every name (ANY),
// so an expression cannot be a way around the check.
const named = (value: unknown): string | undefined =>
  typeof value !== 'string' || value === '' ? undefined : value.includes('${') ? ANY : value;

/** The configured drift watches' accounts by watch name (README "Drift"). */
export type WatchAccounts = ReadonlyMap<string, string>;

/**
 * The account a `syncManifests` stage naming a drift watch acts in: the watch's (ANY for an
 * expression, as any name given by one). Undefined for another stage, or a watch not configured
 * (the stage fails when it runs, having changed nothing).
 */
export function watchAccountOf(stage: Record<string, unknown>, watchAccounts: WatchAccounts): string | undefined {
  if (stage.type !== 'syncManifests') return undefined;
  const watch = named(stage.watch);
  return watch === ANY ? ANY : watch === undefined ? undefined : watchAccounts.get(watch);
}

/**
 * The accounts a pipeline's stages act in (`account`, or Spinnaker's `credentials`, on the stage or
 * its clusters, or a syncManifests stage's drift watch's).
 */
export function stageAccounts(stages: readonly unknown[], watchAccounts: WatchAccounts = new Map()): string[] {
  const accounts = new Set<string>();
  for (const stage of stages.filter(isPlainObject)) {
    for (const place of placesOf(stage)) {
      const account = named(place.account ?? place.credentials);
      if (account !== undefined) accounts.add(account);
    }
    const watched = watchAccountOf(stage, watchAccounts);
    if (watched !== undefined) accounts.add(watched);
    // A bake that names no account runs in whichever account of its cloud there is (bakePlaceOf):
    // like an expression, it counts as every account.
    if (stage.type === 'bake' && stage.account === undefined && stage.credentials === undefined) accounts.add(ANY);
  }
  return [...accounts].sort();
}

/**
 * What triggering a pipeline needs: EXECUTE on its application, on every other application its
 * clusters belong to, and on every account its stages deploy to (the `local` one included).
 */
export function permissionsToRun(application: string, stages: readonly unknown[], watchAccounts: WatchAccounts = new Map()): Permission[] {
  const applications = new Set([application]);
  for (const stage of stages.filter(isPlainObject)) {
    for (const cluster of placesOf(stage).slice(1)) {
      const other = named(cluster.application);
      if (other !== undefined) applications.add(other);
    }
  }
  return [
    ...[...applications].map((name): Permission => ({ kind: 'application', name, action: 'EXECUTE' })),
    ...stageAccounts(stages, watchAccounts).map((name): Permission => ({ kind: 'account', name, action: 'EXECUTE' })),
  ];
}

/**
 * Whether a user may make a pipeline run as a service account (Fiat's rule): the user holds every
 * role of the service account, so naming it grants nothing the user does not already have.
 */
export function mayRunAs(userRoles: readonly string[], serviceAccountRoles: readonly string[]): boolean {
  return isAdmin(userRoles) || serviceAccountRoles.every((role) => userRoles.includes(role));
}

/**
 * The trigger fields that say whom an execution acts as. Gantry writes them (the API from the
 * authenticated caller, the trigger handlers from the pipeline's runAsUser or saver); a caller's
 * request body never supplies them.
 * - `user`, `userRoles`: who started it by hand, and that principal's roles then;
 * - `runAsUser`: whom an automatic trigger runs as; with `runAsRoles` it is the principal who saved
 *   the pipeline, with the roles it had then; without, a service account (roles read when checked);
 * - `onBehalfOf`: whom a service account said it acted for (recorded, never used for access).
 */
export const TRIGGER_IDENTITY_KEYS = ['user', 'userRoles', 'runAsUser', 'runAsRoles', 'onBehalfOf'] as const;

/** A trigger without the identity fields (what a caller may send in a request body). */
export function withoutTriggerIdentity(trigger: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...trigger };
  for (const key of TRIGGER_IDENTITY_KEYS) delete rest[key];
  return rest;
}

/** Only the identity fields of a trigger (a child pipeline acts as its parent did). */
export function triggerIdentity(trigger: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(TRIGGER_IDENTITY_KEYS.filter((key) => trigger[key] !== undefined).map((key) => [key, trigger[key]]));
}

/** Whom an execution acts as: a service account (its roles are read when checked), or a principal with the roles recorded. */
export type ExecutionPrincipal = { kind: 'serviceAccount'; name: string } | { kind: 'recorded'; name: string; roles: string[] };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The principal an execution's trigger records (see TRIGGER_IDENTITY_KEYS); undefined when it records none. */
export function executionPrincipal(trigger: Record<string, unknown>): ExecutionPrincipal | undefined {
  const { runAsUser, runAsRoles, user, userRoles } = trigger;
  if (typeof runAsUser === 'string' && runAsUser !== '') {
    return Array.isArray(runAsRoles) ? { kind: 'recorded', name: runAsUser, roles: strings(runAsRoles) } : { kind: 'serviceAccount', name: runAsUser };
  }
  if (typeof user === 'string' && user !== '') return { kind: 'recorded', name: user, roles: strings(userRoles) };
  return undefined;
}

/** The task the engine puts in a deploy-type stage (after any freeze wait) when authentication is on. */
export const DEPLOY_PERMISSION_TASK = 'checkDeployPermissions';
