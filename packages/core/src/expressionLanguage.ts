import { celSyntaxProblem } from './cel';
import { isPlainObject } from './celValues';
import { conditionExpressions, templateExpressions, type ExpressionLanguage } from './expressions';
import { spelProblem } from './spel';

/**
 * Top-level fields only Spinnaker writes (its exports, its API, its templates): a document with
 * one of them was written for Spinnaker, so its `${…}` are SpEL. `limitConcurrent` and
 * `keepWaitingPipelines` are Spinnaker's too but Gantry pipelines use them, so they decide nothing.
 */
const SPINNAKER_MARKERS = ['spelEvaluator', 'parameterConfig', 'expectedArtifacts', 'lastModifiedBy', 'updateTs', 'schema', 'appConfig'] as const;

/**
 * The language of a pipeline that does not say (`expressionLanguage` absent): SpEL when it carries
 * a Spinnaker marker or an expression that is SpEL and not even CEL syntax (`#stage('Bake')`,
 * `a ?: b`, `x.?[…]`, `a and b`), otherwise CEL, so pipelines written for Gantry keep their
 * meaning. A name CEL does not know (`${new_image}`) decides nothing: in a CEL pipeline it is a
 * typo the save should report, not a reason to change language. The result is stored with the
 * pipeline, so a later edit cannot silently switch its language.
 */
export function detectExpressionLanguage(pipeline: unknown): ExpressionLanguage {
  if (!isPlainObject(pipeline)) return 'cel';
  if (SPINNAKER_MARKERS.some((marker) => Object.hasOwn(pipeline, marker))) return 'spel';
  const stages = Array.isArray(pipeline.stages) ? pipeline.stages.filter(isPlainObject) : [];
  const sources = stages.flatMap((stage) => {
    const { stageEnabled, ...fields } = stage;
    const condition = isPlainObject(stageEnabled) ? stageEnabled.expression : stageEnabled;
    const conditions = typeof condition === 'string' && condition.trim() !== '' ? conditionExpressions(condition, 'spel') : [];
    return [...templateExpressions(fields, 'spel'), ...conditions];
  });
  return sources.some((source) => spelProblem(source) === undefined && celSyntaxProblem(source) !== undefined) ? 'spel' : 'cel';
}
