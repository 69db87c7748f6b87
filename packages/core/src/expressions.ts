import { celErrorReason, evaluateCel } from './cel';
import { defineEntry, fromCel, isPlainObject, toCel } from './celValues';
import { spelEvaluator, type SpelOptions } from './spel';
import { javaText, toSpel } from './spel/values';
import { hasTemplateSyntax, scanTemplate, soleExpression } from './template';

/**
 * The language of a pipeline's `${…}`: Gantry's CEL, or Spinnaker's SpEL for pipelines written
 * for Spinnaker. Chosen per pipeline when it is saved (`expressionLanguage`, see pipeline.ts).
 */
export type ExpressionLanguage = 'cel' | 'spel';
export const EXPRESSION_LANGUAGES = ['cel', 'spel'] as const;

/**
 * What a stage's expressions can see. Stages are keyed by refId; a refId that is not a CEL
 * identifier (`my-stage`) is reached by indexing: `stages["my-stage"].outputs.x`.
 */
export interface ExpressionScope {
  trigger: Record<string, unknown>;
  parameters: Record<string, unknown>;
  execution: Record<string, unknown>;
  stages: Record<string, ScopeStage>;
  /** The refId of the stage whose expressions these are (SpEL: its context, upstream outputs, `#currentStage`). */
  currentStage?: string;
  /** Pipeline ids by application, then name (SpEL's `#pipelineId`); filled only when an expression uses it. */
  pipelineIds?: Record<string, Record<string, string>>;
  /** When the stage starts (ISO-8601): SpEL's `new Date()`, `LocalDate.now()`. */
  now?: string;
}

/** One stage as expressions see it; the optional fields are what SpEL's `#stage(…)` and `execution.stages` show. */
export interface ScopeStage {
  status: string;
  outputs: Record<string, unknown>;
  id?: string;
  name?: string;
  type?: string;
  /** Its fields as written, then as resolved once it started. */
  context?: Record<string, unknown>;
  requisiteStageRefIds?: string[];
  startTime?: string | null;
  endTime?: string | null;
}

export type ValuePath = (string | number)[];

/** An expression that could not be evaluated; the stage fails with this, the worker carries on. */
export class ExpressionError extends Error {
  constructor(
    /** The CEL text (inside `${}` when it came from a template). */
    readonly expression: string,
    /** Why, in cel-js's words (e.g. "No such key: imageId"). */
    readonly reason: string,
    /** Where in the resolved value the expression sits. */
    readonly path: ValuePath = [],
    /** How the failing text is quoted in the message; a template that does not scan is shown whole. */
    shown = `\${${expression}}`,
  ) {
    const where = path.length > 0 ? ` (at ${formatPath(path)})` : '';
    super(`expression "${shown}" failed: ${reason}${where}`);
    this.name = 'ExpressionError';
  }
}

/**
 * Evaluates one bare CEL source to a JSON-friendly value, throwing with cel-js's reason. The
 * default evaluates in this thread; the worker hands in one that evaluated in a sandbox thread
 * under a time and memory budget (see `templateExpressions`, `conditionExpressions`).
 */
export type CelEvaluator = (source: string) => unknown;

/** Evaluates CEL over the scope here, converting the scope once, on first use. */
export function celEvaluator(scope: ExpressionScope): CelEvaluator {
  let context: Record<string, unknown> | undefined;
  return (source) => fromCel(evaluateCel(source, (context ??= celContext(scope))));
}

/** Evaluates the language over the scope in this thread (SpEL's URL helpers only with `options.fetch`). */
export function expressionEvaluator(scope: ExpressionScope, language: ExpressionLanguage, options: SpelOptions = {}): CelEvaluator {
  return language === 'spel' ? spelEvaluator(scope, options) : celEvaluator(scope);
}

/** Evaluates one bare expression (no `${}`) and returns a JSON-friendly value. */
export function evaluateExpression(source: string, scope: ExpressionScope, language: ExpressionLanguage = 'cel'): unknown {
  return evaluateIn(source, expressionEvaluator(scope, language), []);
}

/**
 * Resolves every `${ … }` in every string of `value` (objects and arrays walked, keys left
 * alone). A string that is exactly one expression takes the result's type; otherwise results are
 * written into the text, objects and lists as JSON.
 */
export function resolveExpressions(
  value: unknown,
  scope: ExpressionScope,
  evaluate?: CelEvaluator,
  language: ExpressionLanguage = 'cel',
): unknown {
  return resolveIn(value, evaluate ?? expressionEvaluator(scope, language), [], language);
}

/** The sources `resolveExpressions` would evaluate in `value`, in order (a template that does not scan has none). */
export function templateExpressions(value: unknown, language: ExpressionLanguage = 'cel'): string[] {
  if (typeof value === 'string') {
    const scan = hasTemplateSyntax(value) ? scanTemplate(value, language) : undefined;
    return scan?.ok ? scan.parts.flatMap((part) => (part.kind === 'expression' ? [part.source] : [])) : [];
  }
  if (Array.isArray(value)) return value.flatMap((item) => templateExpressions(item, language));
  if (isPlainObject(value)) return Object.values(value).flatMap((item) => templateExpressions(item, language));
  return [];
}

/** The sources `isExpressionTrue` would evaluate for this condition. */
export function conditionExpressions(source: string, language: ExpressionLanguage = 'cel'): string[] {
  return hasTemplateSyntax(source) ? templateExpressions(source, language) : [source.trim()];
}

/**
 * Evaluates a `stageEnabled`-style condition, written bare (`parameters.env == "prod"`) or in
 * `${}`. Anything but a bool (or the text "true"/"false") is an error, never a silent skip.
 */
export function isExpressionTrue(
  source: string,
  scope: ExpressionScope,
  evaluate?: CelEvaluator,
  language: ExpressionLanguage = 'cel',
): boolean {
  const evaluator = evaluate ?? expressionEvaluator(scope, language);
  const result = hasTemplateSyntax(source) ? resolveIn(source, evaluator, [], language) : evaluateIn(source.trim(), evaluator, []);
  if (typeof result === 'boolean') return result;
  if (typeof result === 'string' && (result.trim() === 'true' || result.trim() === 'false')) {
    return result.trim() === 'true';
  }
  const expression = unwrap(source, language);
  throw new ExpressionError(expression, `expected a bool, got ${describe(result)}`);
}

export function celContext(scope: ExpressionScope): Record<string, unknown> {
  return {
    trigger: toCel(scope.trigger),
    parameters: toCel(scope.parameters),
    execution: toCel(scope.execution),
    stages: toCel(scope.stages),
  };
}

function resolveIn(value: unknown, evaluate: CelEvaluator, path: ValuePath, language: ExpressionLanguage): unknown {
  if (typeof value === 'string') return resolveString(value, evaluate, path, language);
  if (Array.isArray(value)) return value.map((item, index) => resolveIn(item, evaluate, [...path, index], language));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) defineEntry(out, key, resolveIn(item, evaluate, [...path, key], language));
    return out;
  }
  return value;
}

function resolveString(text: string, evaluate: CelEvaluator, path: ValuePath, language: ExpressionLanguage): unknown {
  if (!hasTemplateSyntax(text)) return text;
  const scan = scanTemplate(text, language);
  if (!scan.ok) throw new ExpressionError(text, scan.error, path, text);
  const sole = soleExpression(scan.parts);
  if (language === 'spel') {
    // Orca keeps an expression that yields null as written (a shell's `${HOME}` in a script stays).
    if (sole !== undefined) return evaluateIn(sole, evaluate, path) ?? text;
    return scan.parts.map((part) => (part.kind === 'text' ? part.text : spelText(evaluateIn(part.source, evaluate, path), part.source))).join('');
  }
  if (sole !== undefined) return evaluateIn(sole, evaluate, path);
  return scan.parts.map((part) => (part.kind === 'text' ? part.text : toText(evaluateIn(part.source, evaluate, path)))).join('');
}

function evaluateIn(source: string, evaluate: CelEvaluator, path: ValuePath): unknown {
  try {
    return evaluate(source);
  } catch (error) {
    throw new ExpressionError(source, celErrorReason(error), path);
  }
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A SpEL result written into text as orca does: null leaves the expression as written, a list is
 * its elements joined by commas (Spring's conversion), anything else its Java text.
 */
function spelText(value: unknown, source: string): string {
  if (value === null || value === undefined) return `\${${source}}`;
  if (Array.isArray(value)) return value.map((item) => javaText(toSpel(item))).join(',');
  return javaText(toSpel(value));
}

function unwrap(source: string, language: ExpressionLanguage): string {
  const scan = scanTemplate(source, language);
  return (scan.ok ? soleExpression(scan.parts) : undefined) ?? source.trim();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (typeof value === 'object') return `a map (${JSON.stringify(value)})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** `cluster.capacity.min`, `variables[0].value`: how people write a location in a document. */
export function formatPath(path: ValuePath): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(segment)) return index === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}
