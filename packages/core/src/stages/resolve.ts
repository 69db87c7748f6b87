import { describeIssue, ValidationError } from '../errors';
import { conditionExpressions, resolveExpressions, templateExpressions, type CelEvaluator, type ExpressionLanguage, type ExpressionScope } from '../expressions';
import type { StageDefinition } from '../pipeline';
import { toValidationIssues } from '../zodIssues';
import { putLiteralsBack, setLiteralsAside } from './literalFields';
import { getStageType } from './registry';
import type { StageType } from './StageType';

/**
 * A stage as it runs: every `${…}` resolved over `scope`, then its type's schema applied to the
 * real values (a field that held an expression at save time must now be the real thing).
 * `stageEnabled` stays as written: it is decided separately, with `isExpressionTrue`.
 * Throws `ExpressionError` or `ValidationError` (paths relative to the stage). `resolvedFields`
 * are top-level fields the caller already resolved (SpEL's evaluateVariables, whose variables are
 * evaluated one after another): they are taken as they are.
 */
export function resolveStage(
  stage: StageDefinition,
  scope: ExpressionScope,
  evaluate?: CelEvaluator,
  language: ExpressionLanguage = 'cel',
  resolvedFields: Record<string, unknown> = {},
): StageDefinition {
  const { stageEnabled, ...fields } = stage;
  const stageType = stageTypeOf(stage);
  const { rest, literals } = setLiteralsAside(withoutFields(fields, resolvedFields), stageType.literalFields ?? []);
  const resolved = { ...(putLiteralsBack(resolveExpressions(rest, scope, evaluate, language), literals) as Record<string, unknown>), ...resolvedFields };
  const parsed = stageType.fields.safeParse(resolved);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error.issues);
    const first = issues[0];
    const message = `stage "${stage.refId}" is invalid after resolving expressions: ${first === undefined ? '' : describeIssue(first)}`;
    throw new ValidationError(message, issues);
  }
  const typeFields = parsed.data !== null && typeof parsed.data === 'object' ? parsed.data : {};
  return {
    ...resolved,
    ...typeFields,
    refId: stage.refId,
    type: stage.type,
    requisiteStageRefIds: stage.requisiteStageRefIds,
    ...(stageEnabled === undefined ? {} : { stageEnabled }),
  } as StageDefinition;
}

/** Every source starting the stage evaluates: its `stageEnabled` condition's, then its fields' (but `resolvedFields`). */
export function stageExpressions(stage: StageDefinition, language: ExpressionLanguage = 'cel', resolvedFields: readonly string[] = []): string[] {
  const { stageEnabled, ...fields } = stage;
  const kept = Object.fromEntries(Object.entries(fields).filter(([key]) => !resolvedFields.includes(key)));
  const { rest } = setLiteralsAside(kept, getStageType(stage.type)?.literalFields ?? []);
  return [...(stageEnabled === undefined ? [] : conditionExpressions(stageEnabled.expression, language)), ...templateExpressions(rest, language)];
}

function withoutFields(fields: Record<string, unknown>, resolvedFields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !Object.hasOwn(resolvedFields, key)));
}

function stageTypeOf(stage: StageDefinition): StageType {
  const stageType = getStageType(stage.type);
  if (stageType === undefined) {
    const message = `unknown stage type "${stage.type}"`;
    throw new ValidationError(message, [{ path: ['type'], message }]);
  }
  return stageType;
}
