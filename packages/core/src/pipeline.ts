import { z } from 'zod';
import { expectedArtifactIssues, expectedArtifactSchema } from './artifacts';
import { isPlainObject } from './celValues';
import { validateDagNodes, type IndexedDagNode } from './dag';
import { describeIssue, ValidationError, type ValidationIssue } from './errors';
import { conditionIssues, expressionIssues } from './expressionCheck';
import { detectExpressionLanguage } from './expressionLanguage';
import { EXPRESSION_LANGUAGES, type ExpressionLanguage } from './expressions';
import { APPLICATION_NAME, APPLICATION_NAME_RULE } from './naming';
import { executionWindowIssues } from './stages/executionWindow';
import { literalFieldsOf, setLiteralsAside } from './stages/literalFields';
import { wrapBarePreconditions } from './stages/spelPreconditions';
import { getStageType, listStageTypes } from './stages/registry';
import { triggerDefinitionSchema, type TriggerDefinition } from './triggers/definition';
import { toValidationIssues } from './zodIssues';

// Checks marked like this also run when other parts of the document are invalid, so one save
// attempt reports every problem instead of one per round trip.
const ALWAYS = { when: () => true } as const;

/**
 * The most stages one pipeline may have. Spinnaker's largest reported pipeline has 491 stages; a
 * bigger one is better split into pipelines that trigger each other, and the limit bounds what one
 * execution costs the engine (rows, messages, the time its graph takes to check).
 */
export const MAX_STAGES_PER_PIPELINE = 1000;

/** Spinnaker writes refIds as strings ("1"), some exports as numbers; stored as strings. */
const refIdSchema = z
  .union([z.string().min(1, { message: 'refId must not be empty' }), z.number().int().nonnegative()])
  .transform(String);

export interface StageEnabled {
  type: 'expression';
  expression: string;
}

/** Bare CEL, `${…}`, or Spinnaker's `{type: "expression", expression}`: always stored as the latter. */
const stageEnabledSchema = z.union([
  z
    .string()
    .min(1)
    .transform((expression): StageEnabled => ({ type: 'expression', expression })),
  z
    .looseObject({ type: z.literal('expression'), expression: z.string().min(1) })
    .transform(({ expression }): StageEnabled => ({ type: 'expression', expression })),
]);

const stageBaseShape = {
  refId: refIdSchema,
  type: z.string().min(1),
  name: z.string().min(1).optional(),
  requisiteStageRefIds: z
    .array(refIdSchema)
    .nullish()
    .transform((refs) => refs ?? []),
  failPipeline: z.boolean().default(true),
  continuePipeline: z.boolean().default(false),
  completeOtherBranchesThenFail: z.boolean().default(false),
  stageTimeoutMs: z.number().int().positive().optional(),
  stageEnabled: stageEnabledSchema.optional(),
};
const STAGE_BASE_KEYS = Object.keys(stageBaseShape);

/** A stage as stored: the common fields normalised, plus its type's fields (and any extra keys). */
export interface StageDefinition {
  refId: string;
  type: string;
  /** Defaults to the type. */
  name: string;
  requisiteStageRefIds: string[];
  failPipeline: boolean;
  continuePipeline: boolean;
  completeOtherBranchesThenFail: boolean;
  stageTimeoutMs?: number;
  stageEnabled?: StageEnabled;
  [field: string]: unknown;
}

/** A stage's common fields and the fields of its registered type, looked up when parsing. */
export const stageDefinitionSchema = z
  .looseObject(stageBaseShape)
  .superRefine((value: unknown, ctx) => {
    for (const issue of stageIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }, ALWAYS)
  .transform((stage): StageDefinition => {
    const typed = getStageType(stage.type)?.fields.safeParse(stage);
    const typeFields = typed?.success === true && isPlainObject(typed.data) ? typed.data : {};
    const base = Object.fromEntries(STAGE_BASE_KEYS.filter((key) => key in stage).map((key) => [key, stage[key]]));
    return { ...stage, ...typeFields, ...base, name: stage.name ?? stage.type };
  });

function stageIssues(stage: unknown): ValidationIssue[] {
  if (!isPlainObject(stage)) return [];
  return [...typeFieldIssues(stage), ...executionWindowIssues(stage)];
}

function typeFieldIssues(stage: Record<string, unknown>): ValidationIssue[] {
  const { type } = stage;
  if (typeof type !== 'string' || type === '') return []; // the base schema reports it
  const stageType = getStageType(type);
  if (stageType === undefined) {
    const known = listStageTypes()
      .map((candidate) => candidate.type)
      .join(', ');
    return [{ path: ['type'], message: `unknown stage type "${type}" (known types: ${known})` }];
  }
  const parsed = stageType.fields.safeParse(stage);
  return parsed.success ? [] : toValidationIssues(parsed.error.issues);
}

/** A stage's expressions, checked in the pipeline's language (which the stage alone cannot know). */
function stageExpressionIssues(written: Record<string, unknown>, language: ExpressionLanguage): ValidationIssue[] {
  const stage = language === 'spel' ? wrapBarePreconditions(written) : written;
  const { stageEnabled, ...fields } = stage;
  const condition = isPlainObject(stageEnabled) ? stageEnabled.expression : stageEnabled;
  const literalFields = typeof stage.type === 'string' ? literalFieldsOf(getStageType(stage.type), fields) : [];
  return [
    ...expressionIssues(setLiteralsAside(fields, literalFields).rest, [], language),
    ...(typeof condition === 'string' && condition !== '' ? conditionIssues(condition, ['stageEnabled'], language) : []),
  ];
}

export const parameterDefinitionSchema = z.looseObject({
  name: z.string().min(1),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  description: z.string().optional(),
  label: z.string().optional(),
  /** Spinnaker's switch for `options`; `false` keeps a parameter free text whatever `options` says. */
  hasOptions: z.boolean().optional(),
  options: z
    .array(z.looseObject({ value: z.union([z.string(), z.number(), z.boolean()]).transform(String) }))
    .optional(),
});

export type ParameterDefinition = z.output<typeof parameterDefinitionSchema>;

// Typed by kind (manual, jenkins, webhook, cron, pipeline) in triggers/; re-exported from here,
// where the pipeline model lives.
export { triggerDefinitionSchema, type TriggerDefinition };

const pipelineShapeSchema = z
  .looseObject({
    application: z.string().regex(APPLICATION_NAME, { message: `expected an application name (${APPLICATION_NAME_RULE})` }),
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    parameters: z
      .array(parameterDefinitionSchema)
      .superRefine((value: unknown, ctx) => {
        for (const issue of duplicateParameterIssues(value)) {
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        }
      }, ALWAYS)
      .default([]),
    triggers: z.array(triggerDefinitionSchema).default([]),
    /** What the pipeline needs from its triggers, bound when it starts (see artifacts.ts). */
    expectedArtifacts: z
      .array(expectedArtifactSchema)
      .superRefine((value: unknown, ctx) => {
        for (const issue of expectedArtifactIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }, ALWAYS)
      .optional(),
    /**
     * The language of the pipeline's `${…}`. Absent, it is decided when the pipeline is saved
     * (`detectExpressionLanguage`) and stored, so it is explicit from then on.
     */
    expressionLanguage: z.enum(EXPRESSION_LANGUAGES).optional(),
    /** Spinnaker's switch: a disabled pipeline's triggers do not fire (it can still be started by hand). */
    disabled: z.boolean().optional(),
    limitConcurrent: z.boolean().default(true),
    keepWaitingPipelines: z.boolean().default(false),
    // Spinnaker saves and runs a pipeline with no stages (an empty execution that succeeds); so does Gantry.
    stages: z
      .array(stageDefinitionSchema)
      .max(MAX_STAGES_PER_PIPELINE, {
        message: `a pipeline has at most ${MAX_STAGES_PER_PIPELINE} stages (split it into pipelines that trigger each other)`,
      }),
  })
  .superRefine((value: unknown, ctx) => {
    for (const issue of [...dagIssues(value), ...parameterConfigIssues(value), ...expressionIssuesOf(value)]) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  }, ALWAYS);

/** Two parameter lists that disagree would leave one silently unused. */
function parameterConfigIssues(pipeline: unknown): ValidationIssue[] {
  if (!isPlainObject(pipeline) || pipeline.parameterConfig === undefined || pipeline.parameterConfig === pipeline.parameters) return [];
  // Compared as read (defaults applied, option values as text): a stored pipeline holds both, one normalised.
  const read = (list: unknown) => JSON.stringify(z.array(parameterDefinitionSchema).safeParse(list).data ?? list);
  if (read(pipeline.parameterConfig) === read(pipeline.parameters)) return [];
  return [{ path: ['parameterConfig'], message: 'differs from parameters: give one list of parameters (Spinnaker calls it parameterConfig)' }];
}

/**
 * A pipeline document, Gantry's or Spinnaker's: Spinnaker's spellings are read as Gantry's
 * (`fromSpinnakerShape`) before the checks, and the stored definition keeps every other field.
 */
export const pipelineDefinitionSchema = z.preprocess(fromSpinnakerShape, pipelineShapeSchema);

export type PipelineDefinition = z.output<typeof pipelineShapeSchema>;

/**
 * What Spinnaker writes differently, read as Gantry reads it:
 * - `application` in any case: Spinnaker lower-cases application names (front50 stores them
 *   upper-cased and every other service compares them case-blind), so `myApp` is `myapp`.
 * - `parameterConfig`, Spinnaker's parameter list, is `parameters` (same fields); both given must agree.
 * - stages without `refId` (exports from before Spinnaker had parallel stages): each gets its
 *   position (1, 2, …) as refId and, unless it names `requisiteStageRefIds`, runs after the stage
 *   before it, as Spinnaker ran them. A pipeline where only some stages have a refId is left as it
 *   is, and refused naming the ones without.
 */
function fromSpinnakerShape(input: unknown): unknown {
  if (!isPlainObject(input)) return input;
  const pipeline: Record<string, unknown> = { ...input };
  if (typeof pipeline.application === 'string') pipeline.application = pipeline.application.toLowerCase();
  if (pipeline.parameterConfig !== undefined && pipeline.parameters === undefined) pipeline.parameters = pipeline.parameterConfig;
  if (Array.isArray(pipeline.stages)) pipeline.stages = withPositionalRefIds(pipeline.stages);
  // Decided once and stored, so that the language never changes behind a pipeline's back.
  pipeline.expressionLanguage ??= detectExpressionLanguage(pipeline);
  return pipeline;
}

function withPositionalRefIds(stages: readonly unknown[]): unknown[] {
  const withoutRefId = (stage: unknown) => isPlainObject(stage) && (stage.refId === undefined || stage.refId === null);
  if (stages.length === 0 || !stages.every(withoutRefId)) return [...stages];
  return stages.map((stage, index) => {
    const old = stage as Record<string, unknown>;
    const requisites = old.requisiteStageRefIds ?? (index === 0 ? [] : [String(index)]);
    return { ...old, refId: String(index + 1), requisiteStageRefIds: requisites };
  });
}

/** The language a pipeline document's expressions are in: as it says, or as detected. */
function pipelineExpressionLanguage(pipeline: unknown): ExpressionLanguage {
  const stated = isPlainObject(pipeline) ? pipeline.expressionLanguage : undefined;
  return stated === 'cel' || stated === 'spel' ? stated : detectExpressionLanguage(pipeline);
}

/** Every stage's expressions in the document's language, wherever the rest of the document stands. */
function expressionIssuesOf(pipeline: unknown): ValidationIssue[] {
  if (!isPlainObject(pipeline) || !Array.isArray(pipeline.stages)) return [];
  const language = pipelineExpressionLanguage(pipeline);
  return pipeline.stages.flatMap((stage: unknown, index) =>
    isPlainObject(stage) ? stageExpressionIssues(stage, language).map((issue) => ({ ...issue, path: ['stages', index, ...issue.path] })) : [],
  );
}

/**
 * Validates and normalises a pipeline document (defaults applied, refIds as strings, type fields
 * parsed, the expression language resolved): the result is what gets stored. Throws a
 * `ValidationError` listing every problem.
 */
export function parsePipelineDefinition(input: unknown): PipelineDefinition {
  const result = pipelineDefinitionSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error.issues);
  throw new ValidationError(summarise(issues), issues);
}

function summarise(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 3).map(describeIssue);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return `invalid pipeline: ${shown.join('; ')}${more}`;
}

function duplicateParameterIssues(parameters: unknown): ValidationIssue[] {
  if (!Array.isArray(parameters)) return [];
  const seen = new Set<string>();
  return parameters.flatMap((parameter: unknown, index) => {
    const name = isPlainObject(parameter) ? parameter.name : undefined;
    if (typeof name !== 'string') return [];
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [{ path: [index, 'name'], message: `duplicate parameter name "${name}"` }];
  });
}

/** The DAG checks over whatever stages are readable, so a typo elsewhere does not hide a cycle. */
function dagIssues(pipeline: unknown): ValidationIssue[] {
  if (!isPlainObject(pipeline) || !Array.isArray(pipeline.stages)) return [];
  const nodes = pipeline.stages.flatMap((stage: unknown, index): IndexedDagNode[] => {
    if (!isPlainObject(stage)) return [];
    const refId = lenientRefId(stage.refId);
    if (refId === undefined) return [];
    const requisites = Array.isArray(stage.requisiteStageRefIds) ? stage.requisiteStageRefIds : [];
    const requisiteStageRefIds = requisites.flatMap((ref: unknown) => lenientRefId(ref) ?? []);
    return [{ index, refId, requisiteStageRefIds }];
  });
  return validateDagNodes(nodes);
}

function lenientRefId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
  return undefined;
}
