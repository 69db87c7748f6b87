import { checkPreconditionsFieldsSchema, type Precondition } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { defineTask, type TaskContext } from './Task';
import { readFields } from './readFields';

interface Verdict {
  type: string;
  passed: boolean;
  message: string;
  failPipeline: boolean;
}

type ExpressionPrecondition = Extract<Precondition, { type: 'expression' }>;
type StageStatusPrecondition = Extract<Precondition, { type: 'stageStatus' }>;

// A failPipeline still holding text is an expression that did not resolve to a boolean: only an
// explicit false lets the pipeline carry on.
const stopsPipeline = (precondition: Precondition): boolean => precondition.failPipeline !== false;

function judgeExpression(precondition: ExpressionPrecondition): Verdict {
  const { type } = precondition;
  const failPipeline = stopsPipeline(precondition);
  const { expression, failureMessage } = precondition.context;
  // The expression was evaluated when the stage started; a string "true"/"false" is what a
  // `${…}` embedded in a longer string (or a pasted Spinnaker pipeline) leaves behind.
  const value =
    typeof expression === 'string' && /^(true|false)$/i.test(expression.trim())
      ? expression.trim().toLowerCase() === 'true'
      : expression;
  if (value === true) return { type, failPipeline, passed: true, message: 'expression is true' };
  if (value === false) {
    return { type, failPipeline, passed: false, message: failureMessage ?? 'expression is false' };
  }
  return {
    type,
    failPipeline,
    passed: false,
    message: `expression did not evaluate to a boolean (got ${JSON.stringify(value)})`,
  };
}

function judgeStageStatus(precondition: StageStatusPrecondition, stages: TaskContext['execution']['stages']): Verdict {
  const { type } = precondition;
  const failPipeline = stopsPipeline(precondition);
  const { stageRefId, stageName, stageStatus } = precondition.context;
  // The execution's stages are keyed by refId only, so a Spinnaker-style `stageName` is looked up
  // as a refId: pipelines that name stages after their refIds (the common case) keep working, and
  // anything else fails with a message that says to use stageRefId. Core requires one of the two.
  const ref = stageRefId ?? stageName ?? '';
  const stage = stages[ref];
  if (stage === undefined) {
    return {
      type,
      failPipeline,
      passed: false,
      message: `no stage with refId "${ref}" in this execution${stageRefId === undefined ? ' (stageName is matched against refIds; use stageRefId)' : ''}`,
    };
  }
  const wanted = (Array.isArray(stageStatus) ? stageStatus : [stageStatus]).map((s) => s.trim().toUpperCase());
  const passed = wanted.includes(stage.status.toUpperCase());
  return {
    type,
    failPipeline,
    passed,
    message: passed
      ? `stage "${ref}" is ${stage.status}`
      : `stage "${ref}" is ${stage.status}, expected ${wanted.join(' or ')}`,
  };
}

// Core's schema admits only these two types, so an unknown type (a typo) never reaches here: it is
// refused when the pipeline is saved, and by readFields should the stage be changed since.
function judge(precondition: Precondition, ctx: TaskContext): Verdict {
  return precondition.type === 'expression' ? judgeExpression(precondition) : judgeStageStatus(precondition, ctx.execution.stages);
}

/** `checkPreconditions` stage: every precondition must hold; failures stop or merely mark the pipeline. */
export const checkPreconditionsTask = defineTask({
  name: 'checkPreconditions',
  async run(ctx) {
    const fields = readFields(checkPreconditionsFieldsSchema, ctx);
    const verdicts = fields.preconditions.map((p) => judge(p, ctx));
    const outputs: JsonObject = {
      preconditions: verdicts.map(({ type, passed, message }) => ({ type, passed, message })),
    };
    const failed = verdicts
      .map((verdict, index) => ({ verdict, index }))
      .filter(({ verdict }) => !verdict.passed);
    if (failed.length === 0) return { status: 'SUCCEEDED', outputs };

    const error = `${failed.length} of ${verdicts.length} precondition(s) failed: ${failed
      .map(({ verdict, index }) => `#${index + 1} ${verdict.type}: ${verdict.message}`)
      .join('; ')}`;
    const stopsPipeline = failed.some(({ verdict }) => verdict.failPipeline);
    return { status: stopsPipeline ? 'TERMINAL' : 'FAILED_CONTINUE', error, outputs };
  },
});
