import { parse as parseYaml } from 'yaml';
import { fail } from './failure';
import { parseJavaBoolean, parseJavaDouble, parseJavaInt, readKey } from './methods';
import { fromSpel, isSpelMap, javaText, kindOf, record, toSpel, type SpelMap, type SpelValue } from './values';

/**
 * Spinnaker's helper functions (`#stage('Bake')`, `#toInt(…)`…), with the meaning orca and
 * kork-expressions give them. They read the execution through `SpelEnvironment`; the ones that
 * read a URL go through the injected `fetch` (the worker's goes through the SSRF guard).
 */
export interface SpelEnvironment {
  /** What bare names read: the stage's context, trigger, parameters, execution, upstream outputs. */
  root: SpelMap;
  /** The execution's stages as Spinnaker shows them (id, refId, name, type, status, context, outputs…). */
  stages: SpelMap[];
  /** The stage whose expressions these are, when there is one. */
  currentStage?: SpelMap;
  /** Pipeline ids by application, then name, for `#pipelineId` and `#pipelineIdInApplication`. */
  pipelineIds?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The body of a URL; throws with the reason it cannot be had. */
  fetch?: (url: string) => string;
  /** The stage start's time (epoch ms): what `new Date()` and `LocalDate.now()` read. */
  now?: number;
}

type Helper = (args: SpelValue[], environment: SpelEnvironment) => SpelValue;

const HELPERS: Record<string, Helper> = {
  stage: ([id], { stages, root }) => {
    const name = textArg(id);
    return stages.find((stage) => name !== null && (stage.name === name || stage.id === name)) ?? fail(`no stage named "${name}" in execution ${executionId(root)} (#stage is case sensitive)`);
  },
  stageByRefId: ([refId], { stages, root }) => {
    const wanted = textArg(refId);
    if (wanted === null) fail('#stageByRefId needs a refId, got null');
    return stages.find((stage) => stage.refId === wanted) ?? fail(`no stage with refId "${wanted}" in execution ${executionId(root)}`);
  },
  stageExists: ([id], { stages }) => {
    const name = textArg(id);
    return stages.some((stage) => name !== null && (stage.name === name || stage.id === name));
  },
  judgment: (args, environment) => judgment(args, environment),
  judgement: (args, environment) => judgment(args, environment),
  currentStage: (_, { currentStage }) => currentStage ?? fail('#currentStage() has no stage here'),
  toInt: ([value]) => parseJavaInt(value),
  toFloat: ([value]) => parseJavaDouble(value),
  toBoolean: ([value]) => parseJavaBoolean(typeof value === 'string' || typeof value === 'boolean' ? value : javaText(value ?? null)),
  toJson: ([value]) => JSON.stringify(fromSpel(value ?? null)),
  readJson: ([text]) => readJson(requiredText(text, 'readJson')),
  readYaml: ([text]) => readYaml(requiredText(text, 'readYaml')),
  fromUrl: ([url], environment) => fetchText(requiredText(url, 'fromUrl'), environment),
  jsonFromUrl: ([url], environment) => readJson(fetchText(requiredText(url, 'jsonFromUrl'), environment)),
  yamlFromUrl: ([url], environment) => readYaml(fetchText(requiredText(url, 'yamlFromUrl'), environment)),
  propertiesFromUrl: ([url], environment) => readProperties(fetchText(requiredText(url, 'propertiesFromUrl'), environment)),
  alphanumerical: ([text]) => requiredText(text, 'alphanumerical').replace(/[^A-Za-z0-9]/g, ''),
  toBase64: ([text]) => toBase64(requiredText(text, 'toBase64')),
  fromBase64: ([text]) => fromBase64(requiredText(text, 'fromBase64')),
  pipelineId: ([name], { pipelineIds, root }) =>
    pipelineIdIn(pipelineIds, javaText(readKey(asMap(readKey(root, 'execution')), 'application')), requiredText(name, 'pipelineId')),
  pipelineIdInApplication: ([name, application], { pipelineIds }) =>
    pipelineIdIn(pipelineIds, requiredText(application, 'pipelineIdInApplication'), requiredText(name, 'pipelineIdInApplication')),
  triggerResolvedArtifact: ([name], { root }) => triggerArtifact(root, 'name', requiredText(name, 'triggerResolvedArtifact')),
  triggerResolvedArtifactByType: ([type], { root }) => triggerArtifact(root, 'type', requiredText(type, 'triggerResolvedArtifactByType')),
  deployedServerGroups: (names, { stages }) => deployedServerGroups(stages, names.map((name) => requiredText(name, 'deployedServerGroups'))),
  manifestLabelValue: ([stageName, kind, label], { stages }) =>
    manifestLabelValue(stages, requiredText(stageName, 'manifestLabelValue'), requiredText(kind, 'manifestLabelValue'), requiredText(label, 'manifestLabelValue')),
};

/** The helper names, for messages and the save-time check. */
export const HELPER_NAMES: readonly string[] = Object.keys(HELPERS);

export function callHelper(name: string, args: SpelValue[], environment: SpelEnvironment): SpelValue {
  const helper = Object.hasOwn(HELPERS, name) ? HELPERS[name] : undefined;
  if (helper === undefined) fail(`unknown function #${name}() (known: ${HELPER_NAMES.map((known) => `#${known}`).join(', ')})`);
  return helper(args, environment);
}

function pipelineIdIn(pipelineIds: SpelEnvironment['pipelineIds'], application: string, name: string): string {
  const names = pipelineIds !== undefined && Object.hasOwn(pipelineIds, application) ? pipelineIds[application] : undefined;
  const id = names !== undefined && Object.hasOwn(names, name) ? names[name] : undefined;
  return id ?? fail(`no pipeline named "${name}" in application ${application}`);
}

function judgment([id]: SpelValue[], { stages, root }: SpelEnvironment): SpelValue {
  const name = textArg(id);
  const stage = stages.find((candidate) => candidate.name === name && candidate.type === 'manualJudgment' && readKey(asMap(candidate.context ?? null), 'judgmentInput') !== null);
  if (stage === undefined) {
    fail(`no manual judgment stage named "${name}" with a judgment input in execution ${executionId(root)}`);
  }
  return readKey(asMap(stage.context ?? null), 'judgmentInput');
}

/** Orca's lookup: the trigger's resolved expected artifacts first, then its artifacts. */
function triggerArtifact(root: SpelMap, field: 'name' | 'type', wanted: string): SpelValue {
  const trigger = asMap(readKey(root, 'trigger'));
  const candidates = [readKey(trigger, 'resolvedExpectedArtifacts'), readKey(trigger, 'artifacts')].flatMap((list) => (Array.isArray(list) ? list : []));
  const artifacts = candidates.map((candidate) => (isSpelMap(candidate) && isSpelMap(candidate.boundArtifact) ? candidate.boundArtifact : candidate));
  return artifacts.find((artifact) => isSpelMap(artifact) && artifact[field] === wanted) ?? fail(`no artifact with ${field} "${wanted}" in the trigger`);
}

/** A pod-template label of a manifest a deployManifest stage deployed (orca's ManifestLabelValue helper). */
function manifestLabelValue(stages: SpelMap[], stageName: string, kind: string, label: string): SpelValue {
  const stage = stages.find((candidate) => candidate.name === stageName && candidate.type === 'deployManifest');
  if (stage === undefined) fail(`no deployManifest stage named "${stageName}"`);
  const manifests = readKey(asMap(stage.outputs ?? null), 'manifests') ?? readKey(asMap(stage.context ?? null), 'manifests');
  const manifest = (Array.isArray(manifests) ? manifests : []).find((candidate) => isSpelMap(candidate) && candidate.kind === kind);
  if (manifest === undefined) fail(`stage "${stageName}" deployed no ${kind}`);
  const labels = ['spec', 'template', 'metadata', 'labels'].reduce<SpelValue>((current, key) => readKey(asMap(current), key), manifest);
  const value = readKey(asMap(labels), label);
  return value ?? fail(`the ${kind} of stage "${stageName}" has no label "${label}"`);
}

/** Deploy stages' server groups (orca's `deploy.server.groups`), optionally of the named stages only. */
export function deployedServerGroups(stages: SpelMap[], names: string[]): SpelValue {
  return stages
    .filter((stage) => stage.type === 'deploy' && (names.length === 0 || names.includes(javaText(stage.name ?? null))))
    .flatMap((stage) => {
      const outputs = asMap(stage.outputs ?? null);
      const context = asMap(stage.context ?? null);
      const serverGroup = readKey(outputs, 'serverGroup') ?? readKey(outputs, 'serverGroupName');
      if (serverGroup === null) return [];
      return [
        {
          account: readKey(outputs, 'account') ?? readKey(context, 'account'),
          region: readKey(outputs, 'region') ?? readKey(context, 'region'),
          serverGroup,
          capacity: readKey(outputs, 'capacity') ?? readKey(context, 'capacity'),
        } satisfies SpelMap,
      ];
    });
}

/** Base64 of the text's UTF-8 bytes, as kork's #toBase64. */
function toBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(encoded: string): string {
  let binary: string;
  try {
    binary = atob(encoded);
  } catch {
    return fail(`not base64: "${encoded.length > 40 ? `${encoded.slice(0, 40)}…` : encoded}"`);
  }
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

function fetchText(url: string, { fetch }: SpelEnvironment): string {
  if (fetch === undefined) fail('reading URLs is not available here');
  return fetch(url);
}

function readJson(text: string): SpelValue {
  try {
    return toSpel(JSON.parse(text));
  } catch (error) {
    return fail(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readYaml(text: string): SpelValue {
  try {
    return toSpel(parseYaml(text, { maxAliasCount: 100 }) as unknown);
  } catch (error) {
    return fail(`not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/**
 * A Java properties file (what Jenkins jobs archive) as a map: `key=value`, `key: value` or
 * `key value`, `#`/`!` comments, a trailing backslash continuing the line.
 */
function readProperties(text: string): SpelValue {
  const entries: [string, SpelValue][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (continues(line) && i + 1 < lines.length) {
      i += 1;
      line = line.slice(0, -1) + lines[i]!.replace(/^\s+/, '');
    }
    const match = /^((?:\\.|[^=:\s\\])*)\s*[=:\s]?\s*(.*)$/.exec(line)!;
    const unescape = (part: string) => part.replace(/\\(.)/g, (_, ch: string) => ({ t: '\t', n: '\n', r: '\r', f: '\f' })[ch] ?? ch);
    entries.push([unescape(match[1] ?? ''), unescape(match[2] ?? '')]);
  }
  return record(entries);
}

/** Whether a properties line ends in an odd number of backslashes (counted, not matched: no regex backtracking). */
function continues(line: string): boolean {
  let count = 0;
  while (count < line.length && line[line.length - 1 - count] === '\\') count += 1;
  return count % 2 === 1;
}

/** A helper's String parameter as SpEL converts the argument to it: null stays null. */
function textArg(value: SpelValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) || isSpelMap(value)) fail(`expected a string, got ${kindOf(value)}`);
  return javaText(value);
}

function requiredText(value: SpelValue | undefined, helper: string): string {
  const text = textArg(value);
  if (text === null) fail(`#${helper} needs a string, got null`);
  return text;
}

function asMap(value: SpelValue): SpelMap {
  return isSpelMap(value) ? value : {};
}

function executionId(root: SpelMap): string {
  return javaText(readKey(asMap(readKey(root, 'execution')), 'id'));
}
