import { upstreamOf } from '../dag';
import type { ExpressionScope, ScopeStage } from '../expressions';
import { evaluateSpel } from './evaluate';
import { HELPER_NAMES, deployedServerGroups, type SpelEnvironment } from './functions';
import { classProblem } from './methods';
import { parseSpel, type SpelNode } from './parser';
import { fromSpel, isSpelMap, record, toSpel, type SpelMap, type SpelValue } from './values';

export { SpelEvaluationError } from './failure';
export { SpelSyntaxError } from './parser';

/**
 * Spinnaker's expression language over Gantry's expression scope: the root object is built as
 * orca builds a stage's evaluation context (docs/architecture.md "Expressions").
 */

// Parsing is the costly part for short expressions; a stage start evaluates the same few again.
const PARSE_CACHE_SIZE = 256;
const parsed = new Map<string, SpelNode>();

function parseCached(source: string): SpelNode {
  const cached = parsed.get(source);
  if (cached !== undefined) return cached;
  const node = parseSpel(source);
  parsed.set(source, node);
  if (parsed.size > PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  return node;
}

export interface SpelOptions {
  /** The body of a URL for `#fromUrl` and its kin; throws with the reason it cannot be had. */
  fetch?: (url: string) => string;
}

/** Evaluates bare SpEL sources over the scope, building Spinnaker's root object once, on first use. */
export function spelEvaluator(scope: ExpressionScope, options: SpelOptions = {}): (source: string) => unknown {
  let environment: SpelEnvironment | undefined;
  return (source) => {
    const node = parseCached(source);
    environment ??= spelEnvironment(scope, options);
    return fromSpel(evaluateSpel(node, environment));
  };
}

/**
 * Why the source can never evaluate (syntax, an unknown helper function, a class `new` or `T(…)`
 * may not use), or undefined. Missing data only shows when the stage runs.
 */
export function spelProblem(source: string): string | undefined {
  let node: SpelNode;
  try {
    node = parseCached(source);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return staticProblem(node);
}

function staticProblem(node: SpelNode): string | undefined {
  if (node.kind === 'function' && !HELPER_NAMES.includes(node.name)) {
    return `unknown function #${node.name}() (known: ${HELPER_NAMES.map((name) => `#${name}`).join(', ')})`;
  }
  if (node.kind === 'new' || node.kind === 'type') {
    // The class is what save time can judge; the arguments need the data.
    const problem = classProblem(node.kind === 'new' ? 'new' : 'T', node.className);
    if (problem !== undefined) return problem;
  }
  for (const child of children(node)) {
    const problem = staticProblem(child);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function children(node: SpelNode): SpelNode[] {
  switch (node.kind) {
    case 'literal':
    case 'name':
    case 'variable':
    case 'type':
      return [];
    case 'function':
    case 'new':
      return node.args;
    case 'property':
      return [node.target];
    case 'index':
      return [node.target, node.index];
    case 'method':
      return [node.target, ...node.args];
    case 'select':
      return [node.target, node.condition];
    case 'project':
      return [node.target, node.expression];
    case 'list':
      return node.items;
    case 'map':
      return node.entries.flatMap(({ key, value }) => [key, value]);
    case 'unary':
      return [node.operand];
    case 'binary':
    case 'and':
    case 'or':
      return [node.left, node.right];
    case 'ternary':
      return [node.condition, node.then, node.otherwise];
    case 'elvis':
      return [node.value, node.fallback];
  }
}

const FAILED = new Set(['TERMINAL', 'FAILED_CONTINUE']);

/**
 * Orca's evaluation context for a stage: its own context, over which `trigger`, `parameters`
 * (the trigger's), `execution` and the helper properties `scmInfo` and `deployedServerGroups` are set; a name in neither is looked up in the outputs of the
 * stage's upstream stages, nearest first (orca's StageContext), which is how an evaluateVariables
 * stage's `${new_image}` reaches the stages after it.
 */
export function spelEnvironment(scope: ExpressionScope, options: SpelOptions = {}): SpelEnvironment {
  const stages = Object.entries(scope.stages).map(([refId, stage]) => stageObject(refId, stage));
  const current = scope.currentStage === undefined ? undefined : stages.find((stage) => stage.refId === scope.currentStage);
  const trigger = toSpel(scope.trigger) as SpelMap;
  const parameters = toSpel(scope.parameters);
  const fullTrigger = Object.hasOwn(trigger, 'parameters') ? trigger : record([...Object.entries(trigger), ['parameters', parameters]]);
  const execution = record([
    ...Object.entries(toSpel(scope.execution) as SpelMap),
    ['type', 'PIPELINE'],
    ['trigger', fullTrigger],
    ['stages', stages],
  ]);
  const upstream = scope.currentStage === undefined ? [] : upstreamOutputs(scope.currentStage, scope.stages);
  const root = record([
    ...upstream.flatMap((outputs) => Object.entries(toSpel(outputs) as SpelMap)),
    ...Object.entries(isSpelMap(current?.context) ? current.context : {}),
    ['trigger', fullTrigger],
    ['parameters', parameters],
    ['execution', execution],
    ['scmInfo', scmInfo(fullTrigger)],
    ['deployedServerGroups', deployedServerGroups(stages, [])],
  ]);
  return {
    root,
    stages,
    ...(current === undefined ? {} : { currentStage: current }),
    ...(scope.pipelineIds === undefined ? {} : { pipelineIds: scope.pipelineIds }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(scope.now === undefined ? {} : { now: Date.parse(scope.now) }),
  };
}

/**
 * Orca's `scmInfo`: the git details of the build that triggered the execution, or null. Of
 * several, the first not on master (a Jenkins job that also checks out master names both).
 */
function scmInfo(trigger: SpelMap): SpelValue {
  const buildInfo = trigger.buildInfo;
  const scm = isSpelMap(buildInfo) && Array.isArray(buildInfo.scm) ? buildInfo.scm.filter(isSpelMap) : [];
  return scm.find((entry) => entry.branch !== 'master') ?? scm[0] ?? null;
}

function stageObject(refId: string, stage: ScopeStage): SpelMap {
  const status: SpelValue = stage.status;
  return record([
    ['id', stage.id ?? refId],
    ['refId', refId],
    ['name', stage.name ?? refId],
    ['type', stage.type ?? null],
    ['status', status],
    ['context', toSpel(stage.context ?? {})],
    ['outputs', toSpel(stage.outputs)],
    ['requisiteStageRefIds', stage.requisiteStageRefIds ?? []],
    ['startTime', stage.startTime ?? null],
    ['endTime', stage.endTime ?? null],
    ['hasSucceeded', stage.status === 'SUCCEEDED'],
    ['hasFailed', FAILED.has(stage.status)],
  ]);
}

/** Outputs of every stage upstream of `refId`, farthest first, so that nearer ones win when merged. */
function upstreamOutputs(refId: string, stages: ExpressionScope['stages']): Record<string, unknown>[] {
  const nodes = Object.entries(stages).map(([ref, stage]) => ({ refId: ref, requisiteStageRefIds: stage.requisiteStageRefIds ?? [] }));
  return upstreamOf(nodes, refId)
    .reverse()
    .map((ref) => stages[ref]?.outputs ?? {});
}
