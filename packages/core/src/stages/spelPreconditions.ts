import { isPlainObject } from '../celValues';

/**
 * Orca's expression precondition evaluates its `expression` as `${expression}` whether or not the
 * author wrote the braces, so Spinnaker pipelines often hold bare ones (`parameters.env == 'prod'`).
 * In a SpEL pipeline a checkPreconditions stage's bare expressions are read as if wrapped; CEL
 * pipelines keep requiring `${…}`.
 */
export function wrapBarePreconditions<T extends Record<string, unknown>>(stage: T): T {
  if (stage.type !== 'checkPreconditions' || !Array.isArray(stage.preconditions)) return stage;
  const preconditions = stage.preconditions.map((precondition: unknown) => {
    if (!isPlainObject(precondition) || precondition.type !== 'expression' || !isPlainObject(precondition.context)) return precondition;
    const { expression } = precondition.context;
    if (typeof expression !== 'string' || expression.includes('${') || expression.trim() === '') return precondition;
    return { ...precondition, context: { ...precondition.context, expression: `\${${expression.trim()}}` } };
  });
  return { ...stage, preconditions };
}
