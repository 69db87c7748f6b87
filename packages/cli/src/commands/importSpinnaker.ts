import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  comparableDocument,
  gantryApplicationName,
  grantsFromSpinnakerPermissions,
  importMarkOf,
  importedPipeline,
  isPlainObject,
  SPINNAKER_BOOKKEEPING_FIELDS,
  matchStoredPipeline,
  rolesToUpdate,
  type Grant,
} from '@gantry/core';
import { CliError, EXIT, type ExitCode } from '../errors';
import type { GantryClient } from '../gantryClient';
import type { GateClient } from '../gateClient';
import type { CliIo } from '../io';

export type ImportKind = 'application' | 'permissions' | 'pipeline' | 'pipelineTemplate' | 'canaryConfig';
/** `brought`: an application, which Gantry holds as a name (its pipelines and grants carry it). */
/** `gone from Spinnaker`: imported before, no longer in Spinnaker; Gantry's copy is kept (deleting is left to a person). */
export type ImportOutcome = 'brought' | 'created' | 'updated' | 'unchanged' | 'would create' | 'would update' | 'not brought' | 'gone from Spinnaker';

/** One line of the report: what happened to one Spinnaker object, what was changed on the way, and why not when not. */
export interface ImportEntry {
  kind: ImportKind;
  /** As Spinnaker names it (`app/pipeline` for pipelines). */
  name: string;
  outcome: ImportOutcome;
  changes: string[];
  reason?: string;
}

export interface ImportOptions {
  dryRun: boolean;
  /** Only these Spinnaker applications (as Spinnaker names them); default all. */
  applications: string[];
  format: 'text' | 'json';
  /** Where templates and canary configs (which Gantry does not store) are written, if given. */
  saveUnsupported?: string;
}

interface StoredPipeline {
  id: string;
  name: string;
  version: number;
  definition: Record<string, unknown>;
}

const NO_TEMPLATES = 'Gantry has no pipeline templates: pipelines are saved whole';
const NO_CANARY_STORE = 'Gantry keeps no canary configs apart from pipelines: a canary stage carries its canaryConfig (metrics, thresholds) inline';

const objects = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const digestOf = (document: Record<string, unknown>) => createHash('sha256').update(comparableDocument(document)).digest('hex');

/**
 * `gantry import spinnaker`: reads applications (with permissions), pipelines, pipeline templates
 * and canary configs through Gate and saves what Gantry can hold through Gantry's API. A re-run
 * compares each pipeline's import mark (the digest of its Spinnaker document) and saves only what
 * changed; permissions are compared grant by grant.
 */
export async function importSpinnaker(gate: GateClient, gantry: GantryClient, options: ImportOptions, io: CliIo): Promise<ExitCode> {
  const report: ImportEntry[] = [];
  const listed = objects(await gate.get('/applications'));
  const wanted = new Set(options.applications.map((name) => name.toLowerCase()));
  const applications = listed.flatMap((app) => text(app.name) ?? []).filter((name) => wanted.size === 0 || wanted.has(name.toLowerCase()));
  for (const missing of [...wanted].filter((name) => !applications.some((app) => app.toLowerCase() === name))) {
    report.push({ kind: 'application', name: missing, outcome: 'not brought', changes: [], reason: 'Gate lists no such application' });
  }

  const roles = await currentGrants(gantry);
  let grants = roles.grants;
  const taken = new Map<string, string>();
  for (const spinnakerName of applications) {
    const mapped = gantryApplicationName(spinnakerName);
    const clash = mapped.ok ? taken.get(mapped.name) : undefined;
    if (!mapped.ok || clash !== undefined) {
      const reason = mapped.ok ? `its Gantry name "${mapped.name}" is already that of Spinnaker application "${clash}"` : mapped.reason;
      report.push({ kind: 'application', name: spinnakerName, outcome: 'not brought', changes: [], reason });
      continue;
    }
    const detail = await gate.getIfServed(`/applications/${encodeURIComponent(spinnakerName)}`);
    if (detail === undefined) {
      report.push({ kind: 'application', name: spinnakerName, outcome: 'not brought', changes: [], reason: 'Gate lists it but answers 404 for it (deleted meanwhile?)' });
      continue;
    }
    taken.set(mapped.name, spinnakerName);
    const application = mapped.name;
    const renamed = mapped.changed ? [`application name "${spinnakerName}" → "${application}"`] : [];
    // GET /applications/{app} answers {attributes, clusters}; older Gates the attributes alone.
    const attributes = isPlainObject(detail) && isPlainObject(detail.attributes) ? detail.attributes : isPlainObject(detail) ? detail : {};
    report.push({
      kind: 'application',
      name: spinnakerName,
      outcome: 'brought',
      changes: [...renamed, 'an application is its name in Gantry: its other attributes (email, cloudProviders, …) are not kept'],
    });
    // Applied in turn, so that a role named by several applications gets each one's grant.
    grants = await importPermissions(gantry, report, spinnakerName, application, attributes.permissions, grants, roles.unavailable, options.dryRun);
    await importPipelines(gate, gantry, report, spinnakerName, application, renamed, options.dryRun);
  }
  await importTemplates(gate, report, options.saveUnsupported);
  await importCanaryConfigs(gate, report, options.saveUnsupported);

  io.stdout(options.format === 'json' ? `${JSON.stringify({ dryRun: options.dryRun, entries: report }, null, 2)}\n` : textReport(report, options.dryRun));
  return EXIT.OK;
}

/** Every role grant, or why permissions cannot be brought (authentication off: no roles; a token that is not admin). */
async function currentGrants(gantry: GantryClient): Promise<{ grants: Grant[]; unavailable?: string }> {
  const answer = await gantry.tryRequest('GET', '/roles');
  if (answer.ok) return { grants: isPlainObject(answer.json) && Array.isArray(answer.json.grants) ? (answer.json.grants as Grant[]) : [] };
  if (answer.status === 404) return { grants: [], unavailable: "Gantry's authentication is off: there are no roles to grant" };
  if (answer.status === 401 || answer.status === 403) return { grants: [], unavailable: `role grants need an admin token (${answer.refusal})` };
  throw new CliError(answer.refusal, EXIT.FAILED);
}

async function importPermissions(
  gantry: GantryClient,
  report: ImportEntry[],
  spinnakerName: string,
  application: string,
  permissions: unknown,
  existing: Grant[],
  unavailable: string | undefined,
  dryRun: boolean,
): Promise<Grant[]> {
  const { grants, notes } = grantsFromSpinnakerPermissions(application, permissions);
  const entry = (outcome: ImportOutcome, changes: string[], reason?: string) =>
    report.push({ kind: 'permissions', name: spinnakerName, outcome, changes, ...(reason === undefined ? {} : { reason }) });
  if (grants.length === 0) {
    entry('unchanged', notes);
    return existing;
  }
  if (unavailable !== undefined) {
    entry('not brought', notes, unavailable);
    return existing;
  }
  const updates = rolesToUpdate(existing, grants);
  const described = grants.map((grant) => `${grant.role}: ${grant.actions.join(', ')}`);
  if (updates.size === 0) {
    entry('unchanged', [...notes, ...described]);
    return existing;
  }
  // What the roles hold now: each saved role's new list replaces its old one, so later applications build on it.
  let held = existing;
  const saved = (role: string, list: Grant[]) => [...held.filter((grant) => grant.role !== role), ...list];
  for (const [role, list] of updates) {
    if (dryRun) {
      held = saved(role, list);
      continue;
    }
    const answer = await gantry.tryRequest('PUT', `/roles/${encodeURIComponent(role)}`, { grants: list.map(({ kind, name, actions }) => ({ kind, name, actions })) });
    if (!answer.ok) {
      entry('not brought', notes, answer.refusal);
      return held;
    }
    held = saved(role, list);
  }
  entry(dryRun ? 'would update' : 'updated', [...notes, ...described]);
  return held;
}

async function importPipelines(
  gate: GateClient,
  gantry: GantryClient,
  report: ImportEntry[],
  spinnakerName: string,
  application: string,
  renamed: string[],
  dryRun: boolean,
): Promise<void> {
  const documents = objects(await gate.get(`/applications/${encodeURIComponent(spinnakerName)}/pipelineConfigs`));
  const stored = await gantry.request('GET', `/pipelines?application=${encodeURIComponent(application)}`);
  const pipelines = (isPlainObject(stored) && Array.isArray(stored.pipelines) ? stored.pipelines : []) as StoredPipeline[];
  const seen = new Set<string>();
  for (const document of documents) {
    const name = `${spinnakerName}/${text(document.name) ?? '(no name)'}`;
    const entry = (outcome: ImportOutcome, changes: string[], reason?: string) =>
      report.push({ kind: 'pipeline', name, outcome, changes, ...(reason === undefined ? {} : { reason }) });
    // A pipeline made from a v2 template holds only the template's reference and variables.
    if (document.type === 'templatedPipeline') {
      entry('not brought', [], `made from pipeline template ${JSON.stringify(isPlainObject(document.template) ? (document.template.reference ?? document.template) : document.template)}: ${NO_TEMPLATES}`);
      continue;
    }
    const changes = [...renamed];
    if (text(document.application) !== undefined && document.application !== spinnakerName) {
      changes.push(`its "application" was "${String(document.application)}", it is saved under "${application}"`);
    }
    const mark = { system: 'spinnaker' as const, id: text(document.id) ?? null, digest: digestOf(document) };
    const body = importedPipeline(document, application, mark);
    const match = matchStoredPipeline(pipelines, document);
    if (match !== undefined) seen.add(match.id);
    const unchanged = match !== undefined && importMarkOf(match.definition)?.digest === mark.digest && match.definition.application === application;
    // Gantry's compatibility report says what a save would refuse (so a dry run can) and what it would keep without effect.
    const compat = unchanged || (match !== undefined && importMarkOf(match.definition) === undefined) ? undefined : await compatibility(gantry, body);
    changes.push(...(compat?.ignored ?? []));
    if (dryRun && compat?.refused !== undefined) {
      entry('not brought', changes, compat.refused);
      continue;
    }
    if (match === undefined) {
      if (dryRun) {
        entry('would create', changes);
        continue;
      }
      const created = await gantry.tryRequest('POST', '/pipelines', body);
      if (created.ok) entry('created', changes);
      else entry('not brought', changes, created.refusal);
      continue;
    }
    if (importMarkOf(match.definition) === undefined) {
      entry('not brought', changes, `Gantry already has a pipeline "${match.name}" in "${application}" that was not imported from Spinnaker: rename or delete one of them`);
      continue;
    }
    if (unchanged) {
      entry('unchanged', changes);
      continue;
    }
    if (match.name !== document.name) changes.push(`renamed in Spinnaker from "${match.name}"`);
    if (dryRun) {
      entry('would update', changes);
      continue;
    }
    // expectedVersion: a save made in Gantry meanwhile is not overwritten blind (409 instead).
    const updated = await gantry.tryRequest('PUT', `/pipelines/${match.id}?expectedVersion=${match.version}`, body);
    if (updated.ok) entry('updated', changes);
    else entry('not brought', changes, updated.refusal);
  }
  for (const pipeline of pipelines.filter((candidate) => !seen.has(candidate.id) && importMarkOf(candidate.definition) !== undefined)) {
    report.push({
      kind: 'pipeline',
      name: `${spinnakerName}/${pipeline.name}`,
      outcome: 'gone from Spinnaker',
      changes: [],
      reason: 'imported before, no longer in Spinnaker: kept in Gantry (delete it there if it should go)',
    });
  }
}

/** Gantry's POST /pipelines/validate for a document: the fields it keeps without effect, and why a save would refuse it. */
async function compatibility(gantry: GantryClient, body: Record<string, unknown>): Promise<{ ignored: string[]; refused?: string }> {
  const answer = await gantry.tryRequest('POST', '/pipelines/validate', body);
  // A Gantry without the endpoint, or a refusal of the document itself, leaves the save to say it.
  if (!answer.ok || !isPlainObject(answer.json)) return { ignored: [] };
  const findings = (key: string) =>
    objects(isPlainObject(answer.json) ? answer.json[key] : undefined)
      .filter((finding) => !SPINNAKER_BOOKKEEPING_FIELDS.includes(String(finding.pathString)))
      .map((finding) => `${String(finding.pathString)}: ${String(finding.message)}`);
  const ignored = findings('ignored').map((finding) => `kept without effect: ${finding}`);
  return answer.json.accepted === false ? { ignored, refused: `unsupported: ${findings('unsupported').join('; ')}` } : { ignored };
}

async function importTemplates(gate: GateClient, report: ImportEntry[], saveTo: string | undefined): Promise<void> {
  // v2 (declarative, SpEL) templates first; /pipelineTemplates is v1's list.
  const v2 = await gate.getIfServed('/v2/pipelineTemplates');
  const templates = [...objects(v2), ...objects(v2 === undefined ? await gate.getIfServed('/pipelineTemplates') : [])];
  for (const [index, template] of templates.entries()) {
    const id = text(template.id) ?? `template-${index}`;
    const scopes = isPlainObject(template.metadata) && Array.isArray(template.metadata.scopes) ? template.metadata.scopes.join(',') : '';
    // The list may hold one template id per scope (spin's fixtures do): each is reported, saved under id and scope.
    const file = await saveUnsupported(saveTo, 'pipeline-templates', scopes === '' ? id : `${id}.${scopes}`, template);
    report.push({ kind: 'pipelineTemplate', name: scopes === '' ? id : `${id} (${scopes})`, outcome: 'not brought', changes: file, reason: NO_TEMPLATES });
  }
}

async function importCanaryConfigs(gate: GateClient, report: ImportEntry[], saveTo: string | undefined): Promise<void> {
  const listed = await gate.getIfServed('/v2/canaryConfig');
  if (listed === undefined) return; // Kayenta is not enabled in this Spinnaker.
  for (const summary of objects(listed)) {
    const id = text(summary.id);
    if (id === undefined) continue;
    const config = await gate.get(`/v2/canaryConfig/${encodeURIComponent(id)}`);
    const file = await saveUnsupported(saveTo, 'canary-configs', id, config);
    report.push({ kind: 'canaryConfig', name: `${text(summary.name) ?? id} (${id})`, outcome: 'not brought', changes: file, reason: NO_CANARY_STORE });
  }
}

/** Keeps what Gantry cannot store as files, so that nothing read from Gate is lost; the report names the file. */
async function saveUnsupported(dir: string | undefined, folder: string, name: string, document: unknown): Promise<string[]> {
  if (dir === undefined) return [];
  const path = join(dir, folder, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  await mkdir(join(dir, folder), { recursive: true });
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
  return [`written to ${path}`];
}

function textReport(report: readonly ImportEntry[], dryRun: boolean): string {
  const lines = report.map((entry) => {
    const head = `${entry.kind} ${entry.name}: ${entry.outcome}`;
    const reason = entry.reason === undefined ? '' : ` (${entry.reason})`;
    const changes = entry.changes.map((change) => `\n  - ${change}`).join('');
    return `${head}${reason}${changes}`;
  });
  const count = (outcome: ImportOutcome) => report.filter((entry) => entry.outcome === outcome).length;
  const summary = dryRun
    ? `dry run: ${count('would create')} to create, ${count('would update')} to update, ${count('unchanged')} unchanged, ${count('not brought')} not brought`
    : `${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('not brought')} not brought`;
  const gone = count('gone from Spinnaker');
  return `${lines.join('\n')}\n${summary}${gone === 0 ? '' : `, ${gone} gone from Spinnaker`}\n`;
}
