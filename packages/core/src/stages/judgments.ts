import { isPlainObject } from '../celValues';

/**
 * Which stages take a manual judgment through the API, and the answers they offer: a
 * `manualJudgment` stage, and a `deploy` whose cluster asks for one (`cluster.judgment`, answered
 * once its new server group is up, before it takes traffic). Both wait in the same
 * `waitForJudgment` task, which reads the answer from the stage context. A rolling deploy with
 * `judgment.betweenSteps` also waits before each later step: its task then names the judgment
 * it awaits in the stage output `awaitingJudgment`, and the answer goes to `judgments.<that name>`
 * in the stage context (one per step, so each is answered once). A `canary` with `onMarginal:
 * "judgment"` asks the same way about each marginal step.
 */
export interface JudgmentRequest {
  /** The judgmentInputs values; empty when any input (or none) is accepted. */
  options: string[];
  /** Whether the stage is only a judgment, or waits for one in one of its tasks. */
  wholeStage: boolean;
  /** The name of the step judgment the stage awaits now, if it awaits one. */
  awaiting?: string;
}

/** The stage output that names the step judgment awaited, and the context key of the answers. */
export const AWAITING_JUDGMENT_OUTPUT = 'awaitingJudgment';
export const STEP_JUDGMENTS_CONTEXT = 'judgments';

/** The task that waits for a judgment, in every stage that takes one. */
export const JUDGMENT_TASK = 'waitForJudgment';

export function judgmentRequestOf(type: string, context: Record<string, unknown>, outputs: Record<string, unknown> = {}): JudgmentRequest | undefined {
  if (type === 'manualJudgment') return { options: optionsOf(context.judgmentInputs), wholeStage: true };
  const awaiting = outputs[AWAITING_JUDGMENT_OUTPUT];
  // A canary with onMarginal "judgment" asks a person about each marginal step.
  if (type === 'canary') return context.onMarginal === 'judgment' ? { options: [], wholeStage: false, ...(typeof awaiting === 'string' ? { awaiting } : {}) } : undefined;
  // An abTest with onResult "judgment" asks which side wins: "continue" the variant, "stop" the control.
  if (type === 'abTest') return context.onResult === 'judgment' ? { options: [], wholeStage: false, ...(typeof awaiting === 'string' ? { awaiting } : {}) } : undefined;
  if (type !== 'deploy') return undefined;
  const clusters = Array.isArray(context.clusters) ? context.clusters : [];
  const cluster: unknown = context.cluster ?? clusters[0];
  const judgment = isPlainObject(cluster) ? cluster.judgment : undefined;
  if (!isPlainObject(judgment)) return undefined;
  return { options: optionsOf(judgment.judgmentInputs), wholeStage: false, ...(typeof awaiting === 'string' ? { awaiting } : {}) };
}

/** The step judgments answered so far, by name. */
export function stepJudgmentsOf(context: Record<string, unknown>): Record<string, unknown> {
  const answers = context[STEP_JUDGMENTS_CONTEXT];
  return isPlainObject(answers) ? answers : {};
}

function optionsOf(inputs: unknown): string[] {
  if (!Array.isArray(inputs)) return [];
  return inputs.map((input: unknown) => (isPlainObject(input) ? input.value : undefined)).filter((value): value is string => typeof value === 'string');
}
