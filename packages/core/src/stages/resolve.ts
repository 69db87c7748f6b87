import { describeIssue, ValidationError } from '../errors';
import { conditionExpressions, resolveExpressions, templateExpressions, type CelEvaluator, type ExpressionScope } from '../expressions';
import type { StageDefinition } from '../pipeline';
import { toValidationIssues } from '../zodIssues';
import { literalFieldsOf, putLiteralsBack, setLiteralsAside } from './literalFields';
import { getStageType } from './registry';
import type { StageType } from './StageType';

/**
 * A stage as it runs: every `${…}` resolved over `scope`, then its type's schema applied to the
 * real values (a field that held an expression at save time must now be the real thing).
 * `stageEnabled` stays as written: it is decided separately, with `isExpressionTrue`.
 * Throws `ExpressionError` or `ValidationError` (paths relative to the stage).
 */
export function resolveStage(stage: StageDefinition, scope: ExpressionScope, evaluate?: CelEvaluator): StageDefinition {
  const { stageEnabled, ...fields } = stage;
  const stageType = stageTypeOf(stage);
  const { rest, literals } = setLiteralsAside(fields, literalFieldsOf(stageType, fields));
  const resolved = { ...(putLiteralsBack(resolveExpressions(rest, scope, evaluate), literals) as Record<string, unknown>) };
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

/** Every CEL source starting the stage evaluates: its `stageEnabled` condition's, then its fields'. */
export function stageExpressions(stage: StageDefinition): string[] {
  const { stageEnabled, ...fields } = stage;
  const { rest } = setLiteralsAside(fields, literalFieldsOf(getStageType(stage.type), fields));
  return [...(stageEnabled === undefined ? [] : conditionExpressions(stageEnabled.expression)), ...templateExpressions(rest)];
}

function stageTypeOf(stage: StageDefinition): StageType {
  const stageType = getStageType(stage.type);
  if (stageType === undefined) {
    const message = `unknown stage type "${stage.type}"`;
    throw new ValidationError(message, [{ path: ['type'], message }]);
  }
  return stageType;
}
