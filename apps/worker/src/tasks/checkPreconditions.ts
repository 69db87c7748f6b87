import { z } from 'zod';
import type { JsonObject } from '@gantry/store';
import { defineTask, type TaskContext } from './Task';
import { readFields } from './readFields';

// Each precondition is read loosely here and judged one by one, so one malformed entry fails as
// that entry (with its reason in the error) instead of hiding the verdict on the others.
const preconditionsContext = z.object({
  preconditions: z
    .array(
      z.looseObject({
        type: z.string(),
        context: z.record(z.string(), z.unknown()).default({}),
        failPipeline: z.boolean().default(true),
      }),
    )
    .default([]),
});

type Precondition = z.output<typeof preconditionsContext>['preconditions'][number];

interface Verdict {
  type: string;
  passed: boolean;
  message: string;
  failPipeline: boolean;
}

const expressionContext = z.object({
  expression: z.unknown(),
  failureMessage: z.string().optional(),
});

const stageStatusContext = z.object({
  stageName: z.string().optional(),
  stageRefId: z.string().optional(),
  stageStatus: z.union([z.string(), z.array(z.string()).min(1)]),
});

function judgeExpression(precondition: Precondition): Verdict {
  const { type, failPipeline } = precondition;
  const parsed = expressionContext.safeParse(precondition.context);
  if (!parsed.success) return { type, failPipeline, passed: false, message: 'context.expression is missing' };
  const { expression, failureMessage } = parsed.data;
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
    message: `expression did not evaluate to a boolean (got ${JSON.stringify(value) ?? String(value)})`,
  };
}

function judgeStageStatus(precondition: Precondition, stages: TaskContext['execution']['stages']): Verdict {
  const { type, failPipeline } = precondition;
  const parsed = stageStatusContext.safeParse(precondition.context);
  if (!parsed.success) {
    return { type, failPipeline, passed: false, message: 'context.stageStatus is missing or not a string/list' };
  }
  const { stageRefId, stageName, stageStatus } = parsed.data;
  // The execution's stages are keyed by refId only, so a Spinnaker-style `stageName` is looked up
  // as a refId: pipelines that name stages after their refIds (the common case) keep working, and
  // anything else fails with a message that says to use stageRefId.
  const ref = stageRefId ?? stageName;
  if (ref === undefined) {
    return { type, failPipeline, passed: false, message: 'context.stageRefId (or stageName) is missing' };
  }
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

function judge(precondition: Precondition, ctx: TaskContext): Verdict {
  switch (precondition.type) {
    case 'expression':
      return judgeExpression(precondition);
    case 'stageStatus':
      return judgeStageStatus(precondition, ctx.execution.stages);
    default:
      // A typo in the type must never let the pipeline carry on as if the check had passed.
      return {
        type: precondition.type,
        failPipeline: true,
        passed: false,
        message: `unknown precondition type "${precondition.type}" (expected expression or stageStatus)`,
      };
  }
}

/** `checkPreconditions` stage: every precondition must hold; failures stop or merely mark the pipeline. */
export const checkPreconditionsTask = defineTask({
  name: 'checkPreconditions',
  async run(ctx) {
    const fields = readFields(preconditionsContext, ctx);
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
