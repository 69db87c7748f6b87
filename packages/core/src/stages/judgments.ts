import { isPlainObject } from '../celValues';

/**
 * Which stages take a manual judgment through the API, and the answers they offer: a
 * `manualJudgment` stage, and a `deploy` whose cluster asks for one (`cluster.judgment`, answered
 * once its new server group is up, before it takes traffic). Both wait in the same
 * `waitForJudgment` task, which reads the answer from the stage context.
 */
export interface JudgmentRequest {
  /** The judgmentInputs values; empty when any input (or none) is accepted. */
  options: string[];
  /** Whether the stage is only a judgment, or waits for one in one of its tasks. */
  wholeStage: boolean;
}

/** The task that waits for a judgment, in every stage that takes one. */
export const JUDGMENT_TASK = 'waitForJudgment';

export function judgmentRequestOf(type: string, context: Record<string, unknown>): JudgmentRequest | undefined {
  if (type === 'manualJudgment') return { options: optionsOf(context.judgmentInputs), wholeStage: true };
  if (type !== 'deploy') return undefined;
  const clusters = Array.isArray(context.clusters) ? context.clusters : [];
  const cluster: unknown = context.cluster ?? clusters[0];
  const judgment = isPlainObject(cluster) ? cluster.judgment : undefined;
  return isPlainObject(judgment) ? { options: optionsOf(judgment.judgmentInputs), wholeStage: false } : undefined;
}

function optionsOf(inputs: unknown): string[] {
  if (!Array.isArray(inputs)) return [];
  return inputs.map((input: unknown) => (isPlainObject(input) ? input.value : undefined)).filter((value): value is string => typeof value === 'string');
}
