/**
 * What `gantry import spinnaker` makes of the documents a Spinnaker Gate serves, as pure functions:
 * application names, application permissions as role grants, and the import mark that lets a
 * re-run tell an unchanged pipeline from a changed one. The CLI does the HTTP.
 */
import { ACTIONS, type Action, type Grant } from './authorization';
import { isPlainObject } from './celValues';
import { APPLICATION_NAME, APPLICATION_NAME_RULE } from './naming';

export type ApplicationNameMapping = { ok: true; name: string; changed: boolean } | { ok: false; reason: string };

/**
 * Gantry's name for a Spinnaker application. Spinnaker compares names case-blind (front50 stores
 * them upper-cased), so lower-casing changes nothing; front50 also admits `_` and `.`, which Gantry's
 * names (APPLICATION_NAME) cannot hold: those are dropped. A `-` is kept, as Spinnaker keeps it.
 */
export function gantryApplicationName(spinnakerName: string): ApplicationNameMapping {
  const lower = spinnakerName.toLowerCase();
  const name = lower.replace(/[_.]/g, '');
  if (!APPLICATION_NAME.test(name)) {
    return { ok: false, reason: `"${spinnakerName}" cannot be a Gantry application name (${APPLICATION_NAME_RULE}), even without "_" and "."` };
  }
  return { ok: true, name, changed: name !== spinnakerName };
}

export interface PermissionMapping {
  grants: Grant[];
  /** What differs from Spinnaker's meaning, said once per application. */
  notes: string[];
}

/**
 * Spinnaker's application `permissions` ({READ: [role…], WRITE: […], EXECUTE: […]}, roles being
 * Fiat groups) as one grant per role. Fiat's default `executeFallback` is READ: an application
 * whose permissions list no EXECUTE lets its READ roles run its pipelines, so they get EXECUTE here.
 * An application without permissions is open to every user in Spinnaker; Gantry has no such grant.
 */
export function grantsFromSpinnakerPermissions(application: string, permissions: unknown): PermissionMapping {
  const lists = isPlainObject(permissions) ? permissions : {};
  const rolesOf = (action: Action): string[] => {
    const list = lists[action];
    return Array.isArray(list) ? list.filter((role): role is string => typeof role === 'string' && role !== '') : [];
  };
  const notes: string[] = [];
  const byRole = new Map<string, Set<Action>>();
  const add = (role: string, action: Action) => byRole.set(role, (byRole.get(role) ?? new Set()).add(action));
  for (const action of ACTIONS) for (const role of rolesOf(action)) add(role, action);
  if (byRole.size === 0) {
    notes.push('no permissions in Spinnaker (open to every user there): no role is granted anything on it in Gantry');
    return { grants: [], notes };
  }
  if (!Array.isArray(lists.EXECUTE)) {
    for (const role of rolesOf('READ')) add(role, 'EXECUTE');
    notes.push("no EXECUTE list: its READ roles get EXECUTE, as Fiat's default executeFallback (READ) gave them");
  }
  const grants = [...byRole.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([role, actions]): Grant => ({ role, kind: 'application', name: application, actions: ACTIONS.filter((action) => actions.has(action)) }));
  return { grants, notes };
}

/**
 * The roles whose grants must be saved so that each holds `wanted` on its application, with the
 * complete list to save for each (PUT replaces a role's grants): their other grants are kept, a
 * grant on the same application is replaced. A role already holding exactly that is left out, so a
 * re-run saves nothing.
 */
export function rolesToUpdate(existing: readonly Grant[], wanted: readonly Grant[]): Map<string, Grant[]> {
  const updates = new Map<string, Grant[]>();
  for (const grant of wanted) {
    const current = updates.get(grant.role) ?? existing.filter((other) => other.role === grant.role);
    const same = (other: Grant) => other.kind === grant.kind && other.name === grant.name;
    const held = current.find(same);
    if (held !== undefined && sameActions(held.actions, grant.actions)) continue;
    updates.set(grant.role, [...current.filter((other) => !same(other)), grant]);
  }
  return updates;
}

function sameActions(a: readonly Action[], b: readonly Action[]): boolean {
  return a.length === b.length && a.every((action) => b.includes(action));
}

/**
 * Front50's bookkeeping on a pipeline: rewritten on saves whatever changed (`index` when pipelines
 * are reordered in Deck), so not part of what is compared, and not worth reporting as kept without
 * effect. `id` is compared (and kept in the import mark to follow renames).
 */
export const SPINNAKER_BOOKKEEPING_FIELDS: readonly string[] = ['id', 'index', 'updateTs', 'lastModifiedBy', 'createTs'];
const VOLATILE_PIPELINE_FIELDS = new Set(SPINNAKER_BOOKKEEPING_FIELDS.filter((field) => field !== 'id'));

/** Where the import mark lives in a saved definition (a field Gantry stores and otherwise ignores). */
export const IMPORT_MARK_FIELD = 'importedFrom';

export interface ImportMark {
  system: 'spinnaker';
  /** Spinnaker's pipeline id: a pipeline renamed in Spinnaker is still the same one. */
  id: string | null;
  /** sha256 of the document's canonical JSON (volatile fields left out), computed by the caller. */
  digest: string;
}

/** The document as compared between runs: canonical JSON (keys sorted) without the volatile fields. */
export function comparableDocument(document: Record<string, unknown>): string {
  const kept = Object.fromEntries(Object.entries(document).filter(([key]) => !VOLATILE_PIPELINE_FIELDS.has(key) && key !== IMPORT_MARK_FIELD));
  return canonicalJson(kept);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The import mark a stored definition carries, if it was imported from Spinnaker. */
export function importMarkOf(definition: Record<string, unknown>): ImportMark | undefined {
  const mark = definition[IMPORT_MARK_FIELD];
  if (!isPlainObject(mark) || mark.system !== 'spinnaker' || typeof mark.digest !== 'string') return undefined;
  return { system: 'spinnaker', id: typeof mark.id === 'string' ? mark.id : null, digest: mark.digest };
}

/** What an imported pipeline is saved as: the document, on its Gantry application, with its mark. */
export function importedPipeline(document: Record<string, unknown>, application: string, mark: ImportMark): Record<string, unknown> {
  return { ...document, application, [IMPORT_MARK_FIELD]: mark };
}

/** A stored pipeline an incoming document is (Spinnaker id first, so a rename updates it), else by name. */
export function matchStoredPipeline<P extends { name: string; definition: Record<string, unknown> }>(
  stored: readonly P[],
  document: { id?: unknown; name?: unknown },
): P | undefined {
  const id = typeof document.id === 'string' ? document.id : undefined;
  return (id === undefined ? undefined : stored.find((pipeline) => importMarkOf(pipeline.definition)?.id === id)) ?? stored.find((pipeline) => pipeline.name === document.name);
}
