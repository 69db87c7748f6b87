import { checkPreconditionsFieldsSchema, isClusterName, type Precondition } from '@gantry/core';
import { defaultLocationOf } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { clusterRefOf, providerFor } from './cloud/context';
import { classifyFailure } from './cloud/failures';
import { defineTask, TransientTaskError, type TaskContext } from './Task';
import { readFields } from './readFields';

interface Verdict {
  type: string;
  passed: boolean;
  message: string;
  failPipeline: boolean;
}

type ExpressionPrecondition = Extract<Precondition, { type: 'expression' }>;
type StageStatusPrecondition = Extract<Precondition, { type: 'stageStatus' }>;
type ClusterSizePrecondition = Extract<Precondition, { type: 'clusterSize' }>;

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

const COMPARE: Record<string, (actual: number, expected: number) => boolean> = {
  '<': (actual, expected) => actual < expected,
  '<=': (actual, expected) => actual <= expected,
  '==': (actual, expected) => actual === expected,
  '>=': (actual, expected) => actual >= expected,
  '>': (actual, expected) => actual > expected,
};

/**
 * Counts the cluster's server groups in each region through the account's provider, as Spinnaker
 * does. A provider that cannot answer now (throttled, unreachable) retries the task; any other
 * failure (an unknown account, a refusal) fails the precondition naming it.
 */
async function judgeClusterSize(precondition: ClusterSizePrecondition, ctx: TaskContext): Promise<Verdict> {
  const { type } = precondition;
  const failPipeline = stopsPipeline(precondition);
  const { cluster, comparison, expected, onlyEnabledServerGroups } = precondition.context;
  const account = precondition.context.account ?? precondition.context.credentials ?? '';
  if (!isClusterName(cluster)) {
    return { type, failPipeline, passed: false, message: `"${cluster}" is not a server group cluster (application[-stack[-detail]]); Kubernetes manifest clusters are not counted` };
  }
  const compare = COMPARE[String(comparison)];
  if (compare === undefined || typeof expected !== 'number') {
    return { type, failPipeline, passed: false, message: `comparison and expected did not resolve to an operator and a number (got ${JSON.stringify(comparison)} ${JSON.stringify(expected)})` };
  }
  try {
    const { account: config, provider } = providerFor(ctx, account);
    const regions = Array.isArray(precondition.context.regions) && precondition.context.regions.length > 0 ? precondition.context.regions : [defaultLocationOf(config)];
    const failures: string[] = [];
    for (const region of regions) {
      const groups = await provider.listServerGroups(clusterRefOf({ account, cluster, ...(region === undefined ? {} : { location: region }) }));
      const counted = onlyEnabledServerGroups === true ? groups.filter((group) => group.enabled) : groups;
      if (!compare(counted.length, expected)) {
        const where = region === undefined ? '' : ` in ${region}`;
        failures.push(`expected ${comparison} ${expected} ${onlyEnabledServerGroups === true ? 'enabled ' : ''}server groups${where}, found ${counted.length}: [${counted.map((group) => group.name).join(', ')}]`);
      }
    }
    return failures.length === 0
      ? { type, failPipeline, passed: true, message: `cluster ${cluster} has ${comparison} ${expected} server groups in ${regions.map((region) => region ?? 'its default location').join(', ')}` }
      : { type, failPipeline, passed: false, message: `cluster ${cluster}: ${failures.join('; ')}` };
  } catch (error) {
    const outcome = classifyFailure(error);
    if (outcome.kind === 'retry') throw new TransientTaskError(outcome.message, { cause: error });
    if (outcome.kind === 'unexpected') throw error;
    return { type, failPipeline, passed: false, message: outcome.message };
  }
}

// Core's schema admits only these types, so an unknown type (a typo) never reaches here: it is
// refused when the pipeline is saved, and by readFields should the stage be changed since.
async function judge(precondition: Precondition, ctx: TaskContext): Promise<Verdict> {
  switch (precondition.type) {
    case 'expression':
      return judgeExpression(precondition);
    case 'stageStatus':
      return judgeStageStatus(precondition, ctx.execution.stages);
    case 'clusterSize':
      return judgeClusterSize(precondition, ctx);
  }
}

/** `checkPreconditions` stage: every precondition must hold; failures stop or merely mark the pipeline. */
export const checkPreconditionsTask = defineTask({
  name: 'checkPreconditions',
  async run(ctx) {
    const fields = readFields(checkPreconditionsFieldsSchema, ctx);
    const verdicts: Verdict[] = [];
    for (const precondition of fields.preconditions) verdicts.push(await judge(precondition, ctx));
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
