import {
  DEPLOY_PERMISSION_TASK,
  ExpressionError,
  FREEZE_STAGE_TYPES,
  FREEZE_TASK,
  ValidationError,
  getStageType,
  isExpressionTrue,
  prerequisitesMet,
  resolveStage,
  stageExpressions,
  type CelEvaluator,
  stageAccount,
  windowCovers,
  type ExpressionScope,
  type StageDefinition,
  upstreamOf,
} from '@gantry/core';
import { evaluatorOf } from '@gantry/core/celBatch';
import {
  insertAudit,
  insertTasks,
  schedulable,
  selectStages,
  selectTasks,
  updateStage,
  type ExecutionRow,
  type JsonObject,
  type SqlClient,
  type StageRow,
} from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { ExpressionLimitError } from '../engine/expressionSandbox';
import { expressionScope, isHalted } from '../engine/stagePolicy';
import { inRunningExecution } from '../engine/inRunningExecution';
import { rerunRunningTask, runTaskMessage } from './taskMessages';

export const startStage: Handler<MessageOf<'StartStage'>> = (message, ctx) =>
  inRunningExecution(ctx, message.executionId, (sql, execution) => startStageLocked(sql, execution, message.stageId, ctx));

/**
 * The StartStage step inside a transaction that already holds the execution's lock. Completing a
 * stage calls it directly for the stages it unblocks, saving a message and a transaction each.
 */
export async function startStageLocked(
  sql: SqlClient,
  execution: ExecutionRow,
  stageId: string,
  ctx: EngineContext,
  /** The execution's stages as this transaction already read (and changed) them, to skip a re-read. */
  current?: StageRow[],
): Promise<OutgoingMessage[]> {
  const stages = current ?? (await selectStages(sql, execution.id));
  const stage = stages.find((s) => s.id === stageId);
  if (!stage) return [];
  if (stage.status !== 'NOT_STARTED') return resendAfterStart(sql, execution.id, stage);
  if (execution.canceled || isHalted(stages) || !prerequisitesMet(schedulable(stages), schedulable([stage])[0]!)) return [];

  const now = ctx.now();
  const complete: OutgoingMessage[] = [{ message: { type: 'CompleteStage', executionId: execution.id, stageId: stage.id } }];
  const scope = expressionScope(execution, stages);
  const plan = await planStage(stage, scope, ctx, execution.application, upstreamOutputs(stages, stage));
  if (plan.kind === 'skip') {
    await updateStage(sql, stage.id, { status: 'SKIPPED', start_time: now, end_time: now });
    stage.status = 'SKIPPED';
    await insertAudit(sql, { type: 'STAGE_SKIPPED', executionId: execution.id, stageId: stage.id, data: stageEvent(stage) });
    return complete;
  }
  if (plan.kind === 'fail') {
    // Failing here (not throwing) keeps a bad expression from ever crashing or wedging the worker.
    await updateStage(sql, stage.id, { status: 'RUNNING', start_time: now, error: plan.error });
    stage.status = 'RUNNING';
    await insertAudit(sql, { type: 'STAGE_STARTED', executionId: execution.id, stageId: stage.id, data: stageEvent(stage) });
    return complete;
  }
  await updateStage(sql, stage.id, { status: 'RUNNING', start_time: now, context: plan.context, error: null });
  stage.status = 'RUNNING';
  const tasks = await insertTasks(sql, stage, plan.tasks, now);
  await insertAudit(sql, { type: 'STAGE_STARTED', executionId: execution.id, stageId: stage.id, data: stageEvent(stage) });
  const first = tasks[0];
  if (!first) return complete;
  return [runTaskMessage(first)];
}

/** A redelivered StartStage after a crash: send again what starting the stage sent. */
async function resendAfterStart(sql: SqlClient, executionId: string, stage: StageRow): Promise<OutgoingMessage[]> {
  const complete: OutgoingMessage[] = [{ message: { type: 'CompleteStage', executionId, stageId: stage.id } }];
  if (stage.status !== 'RUNNING') return stage.status === 'PAUSED' ? [] : complete;
  const tasks = await selectTasks(sql, stage);
  if (tasks.length === 0) return complete;
  return rerunRunningTask(tasks);
}

type StagePlan =
  | { kind: 'skip' }
  | { kind: 'fail'; error: JsonObject }
  | { kind: 'run'; context: JsonObject; tasks: string[] };

/** Resolves the stage's expressions, validates its fields and asks its type which tasks to run. */
async function planStage(
  stage: StageRow,
  scope: ExpressionScope,
  ctx: EngineContext,
  application: string,
  upstream: readonly Record<string, unknown>[],
): Promise<StagePlan> {
  const type = getStageType(stage.type);
  if (!type) return { kind: 'fail', error: { message: `unknown stage type "${stage.type}"` } };
  try {
    const stored = stage.definition as StageDefinition;
    const definition = type.fromUpstream === undefined ? stored : (type.fromUpstream(stored, upstream) as StageDefinition);
    const evaluate = await evaluateInSandbox(definition, scope, ctx);
    if (definition.stageEnabled !== undefined && !isExpressionTrue(definition.stageEnabled.expression, scope, evaluate)) {
      return { kind: 'skip' };
    }
    const resolved = resolveStage(definition, scope, evaluate);
    const tasks = [...freezeCheck(stage.type, resolved, application, ctx), ...permissionCheck(stage.type, ctx), ...type.tasks(resolved)];
    const missing = tasks.filter((name) => !ctx.task(name));
    if (missing.length > 0) return { kind: 'fail', error: { message: `no implementation for task(s) ${missing.join(', ')}` } };
    return { kind: 'run', context: resolved, tasks };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return { kind: 'fail', error: { message: error.message, expression: error.expression, reason: error.reason } };
    }
    if (error instanceof ValidationError) return { kind: 'fail', error: { message: error.message, issues: error.issues } };
    if (error instanceof ExpressionLimitError) {
      return { kind: 'fail', error: { message: error.message, ...(error.expression === undefined ? {} : { expression: error.expression }), reason: `exceeded ${error.limit}` } };
    }
    throw error;
  }
}

/** The outputs of the stages `stage` waits for, directly or not, nearest first (StageType.fromUpstream). */
function upstreamOutputs(stages: readonly StageRow[], stage: StageRow): Record<string, unknown>[] {
  const nodes = stages.map((candidate) => ({ refId: candidate.ref_id, requisiteStageRefIds: candidate.requisite_stage_ref_ids }));
  const byRef = new Map(stages.map((candidate) => [candidate.ref_id, candidate]));
  return upstreamOf(nodes, stage.ref_id).flatMap((ref): Record<string, unknown>[] => {
    const outputs = byRef.get(ref)?.outputs;
    return outputs === undefined ? [] : [outputs];
  });
}

/** Every expression the stage start needs, evaluated in the sandbox thread; the stage then resolves over the outcomes. */
async function evaluateInSandbox(definition: StageDefinition, scope: ExpressionScope, ctx: EngineContext): Promise<CelEvaluator | undefined> {
  const sources = [...new Set(stageExpressions(definition))];
  if (sources.length === 0) return undefined;
  return evaluatorOf(sources, await ctx.expressions.evaluate(sources, scope));
}

/** A deploy-type stage that a freeze window covers first waits out (or fails on) the freeze (checkFreezeWindows). */
function freezeCheck(type: string, resolved: unknown, application: string, ctx: EngineContext): string[] {
  if (!FREEZE_STAGE_TYPES.has(type)) return [];
  const target = { application, account: stageAccount(resolved as Record<string, unknown>) };
  return ctx.services.policy.freezeWindows.some((window) => windowCovers(window, target)) ? [FREEZE_TASK] : [];
}

/** With authentication on, a deploy-type stage re-checks its principal's permissions before acting (checkDeployPermissions), after any freeze wait. */
function permissionCheck(type: string, ctx: EngineContext): string[] {
  return FREEZE_STAGE_TYPES.has(type) && ctx.services.permissions !== undefined ? [DEPLOY_PERMISSION_TASK] : [];
}

function stageEvent(stage: StageRow): JsonObject {
  return { refId: stage.ref_id, attempt: stage.attempt };
}
