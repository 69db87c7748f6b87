import { annotateStage } from '@gantry/telemetry';
import {
  DEPLOY_PERMISSION_TASK,
  ExpressionError,
  executionWindowTasks,
  FREEZE_STAGE_TYPES,
  FREEZE_TASK,
  ValidationError,
  getStageType,
  isExpressionTrue,
  prerequisitesMet,
  resolveExpressions,
  resolveStage,
  stageExpressions,
  templateExpressions,
  wrapBarePreconditions,
  type CelEvaluator,
  stageAccount,
  windowCovers,
  type ExpressionScope,
  type StageDefinition,
  upstreamOf,
} from '@gantry/core';
import { evaluatorOf, type FetchedDocument } from '@gantry/core/celBatch';
import {
  insertAudit,
  insertTasks,
  recordExecutionEvent,
  schedulable,
  selectPipelineIds,
  selectStages,
  selectTasks,
  updateStage,
  wholeStage,
  wholeStages,
  type ExecutionRow,
  type JsonObject,
  type SqlClient,
  type StageHead,
  type StageRow,
  type TaskRow,
} from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { ExpressionLimitError } from '../engine/expressionSandbox';
import { expressionScope, isHalted } from '../engine/stagePolicy';
import { inRunningStage } from '../engine/inRunningExecution';
import { observeStageEnd } from '../engine/metrics';
import { MAX_BODY_BYTES, sendRequest } from '../tasks/http/sendRequest';
import { rerunRunningTask, runTaskMessage } from './taskMessages';

export const startStage: Handler<MessageOf<'StartStage'>> = (message, ctx) =>
  inRunningStage(ctx, message.executionId, message.stageId, (sql, execution, current) =>
    startStageLocked(sql, execution, message.stageId, ctx, current.stages, current.tasks),
  );

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
  current?: StageHead[],
  /** The stage's tasks as this transaction read them, when it did. */
  currentTasks?: TaskRow[],
): Promise<OutgoingMessage[]> {
  const stages = current ?? (await selectStages(sql, execution.id));
  const stage = await wholeStage(sql, stages, stageId);
  if (!stage) return [];
  annotateStage({ id: stage.id, refId: stage.ref_id, type: stage.type });
  if (stage.status !== 'NOT_STARTED') return resendAfterStart(sql, execution.id, stage, currentTasks);
  if (execution.canceled || (await isHalted(sql, stages)) || !prerequisitesMet(schedulable(stages), schedulable([stage])[0]!)) return [];

  const now = ctx.now();
  const complete: OutgoingMessage[] = [{ message: { type: 'CompleteStage', executionId: execution.id, stageId: stage.id } }];
  const scope = expressionScope(execution, execution.expression_language === 'spel' ? await wholeStages(sql, stages) : stages, stage, now);
  const plan = await planStage(sql, stage, scope, ctx, execution, () => upstreamOutputs(stages, stage));
  if (plan.kind === 'skip') {
    await updateStage(sql, stage.id, { status: 'SKIPPED', start_time: now, end_time: now });
    // Ended as it starts: its span too, which its CompleteStage's span names as its parent.
    observeStageEnd({ ...stage, start_time: now }, execution, 'SKIPPED', now);
    stage.status = 'SKIPPED';
    await insertAudit(sql, { type: 'STAGE_SKIPPED', executionId: execution.id, stageId: stage.id, data: stageEvent(stage) });
    return complete;
  }
  if (plan.kind === 'fail') {
    // Failing here (not throwing) keeps a bad expression from ever crashing or wedging the worker.
    await updateStage(sql, stage.id, { status: 'RUNNING', start_time: now, error: plan.error });
    stage.status = 'RUNNING';
    await insertAudit(sql, { type: 'STAGE_STARTED', executionId: execution.id, stageId: stage.id, data: stageEvent(stage) });
    await recordExecutionEvent(sql, { event: 'stage.starting', execution, stage });
    return complete;
  }
  await updateStage(sql, stage.id, { status: 'RUNNING', start_time: now, context: plan.context, error: null });
  stage.status = 'RUNNING';
  const tasks = await insertTasks(sql, stage, plan.tasks, now);
  await insertAudit(sql, { type: 'STAGE_STARTED', executionId: execution.id, stageId: stage.id, data: stageEvent(stage) });
  await recordExecutionEvent(sql, { event: 'stage.starting', execution, stage });
  // The judgment's own notifications (orca's ManualJudgmentStage) announce that it awaits an answer.
  if (stage.type === 'manualJudgment') await recordExecutionEvent(sql, { event: 'manualJudgment', execution, stage: { ...stage, context: plan.context } });
  const first = tasks[0];
  if (!first) return complete;
  return [runTaskMessage(first, ctx.task(first.name)?.local)];
}

/** startStageLocked for each of `stageIds` in turn, on the rows `current` as each start leaves them; their follow-ups together. */
export async function startStagesLocked(
  sql: SqlClient,
  execution: ExecutionRow,
  stageIds: readonly string[],
  ctx: EngineContext,
  current: StageHead[],
): Promise<OutgoingMessage[]> {
  const messages: OutgoingMessage[] = [];
  for (const stageId of stageIds) messages.push(...(await startStageLocked(sql, execution, stageId, ctx, current)));
  return messages;
}

/** A redelivered StartStage after a crash: send again what starting the stage sent. */
async function resendAfterStart(sql: SqlClient, executionId: string, stage: StageRow, current?: TaskRow[]): Promise<OutgoingMessage[]> {
  const complete: OutgoingMessage[] = [{ message: { type: 'CompleteStage', executionId, stageId: stage.id } }];
  if (stage.status !== 'RUNNING') return stage.status === 'PAUSED' ? [] : complete;
  const tasks = current ?? (await selectTasks(sql, stage));
  if (tasks.length === 0) return complete;
  return rerunRunningTask(tasks);
}

type StagePlan =
  | { kind: 'skip' }
  | { kind: 'fail'; error: JsonObject }
  | { kind: 'run'; context: JsonObject; tasks: string[] };

/** Resolves the stage's expressions, validates its fields and asks its type which tasks to run. */
async function planStage(
  sql: SqlClient,
  stage: StageRow,
  scope: ExpressionScope,
  ctx: EngineContext,
  execution: ExecutionRow,
  /** Read only by a type that takes its fields from upstream (most do not: it walks the graph). */
  upstream: () => readonly Record<string, unknown>[],
): Promise<StagePlan> {
  const type = getStageType(stage.type);
  if (!type) return { kind: 'fail', error: { message: `unknown stage type "${stage.type}"` } };
  const language = execution.expression_language;
  const session: EvaluationSession = { sql, ctx, execution, documents: {} };
  try {
    const stored = stage.definition as StageDefinition;
    const written = type.fromUpstream === undefined ? stored : (type.fromUpstream(stored, upstream()) as StageDefinition);
    const definition = language === 'spel' ? wrapBarePreconditions(written) : written;
    // Orca evaluates a SpEL evaluateVariables stage's variables one at a time, each seeing the ones before it by name.
    const chained = language === 'spel' && stage.type === 'evaluateVariables' && Array.isArray(definition.variables) ? ['variables'] : [];
    const evaluate = await evaluateInSandbox(stageExpressions(definition, language, chained), scope, session);
    if (definition.stageEnabled !== undefined && !isExpressionTrue(definition.stageEnabled.expression, scope, evaluate, language)) {
      return { kind: 'skip' };
    }
    const resolvedFields = chained.length === 0 ? {} : { variables: await chainVariables(definition.variables as unknown[], scope, session) };
    const resolved = resolveStage(definition, scope, evaluate, language, resolvedFields);
    // The execution window first (Spinnaker runs it as a stage before this one), then any freeze as it stands then.
    const tasks = [
      ...executionWindowTasks(resolved),
      ...freezeCheck(stage.type, resolved, execution.application, ctx),
      ...permissionCheck(stage.type, ctx),
      ...type.tasks(resolved),
    ];
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
function upstreamOutputs(stages: readonly StageHead[], stage: StageRow): Record<string, unknown>[] {
  const nodes = stages.map((candidate) => ({ refId: candidate.ref_id, requisiteStageRefIds: candidate.requisite_stage_ref_ids }));
  const byRef = new Map(stages.map((candidate) => [candidate.ref_id, candidate]));
  return upstreamOf(nodes, stage.ref_id).flatMap((ref): Record<string, unknown>[] => {
    const outputs = byRef.get(ref)?.outputs;
    return outputs === undefined ? [] : [outputs];
  });
}

/**
 * URL reads (SpEL's `#fromUrl` and kin) one stage start may make, and the time they may take
 * together: the stage start holds its execution's row lock meanwhile, so no expression can fetch
 * without end or hold the execution for long.
 */
export const MAX_URL_READS_PER_STAGE = 10;
export const URL_READS_BUDGET_MS = 15_000;

/** What the evaluations of one stage start share: the URL bodies read so far, and when reading must stop. */
interface EvaluationSession {
  sql: SqlClient;
  ctx: EngineContext;
  execution: ExecutionRow;
  documents: Record<string, FetchedDocument>;
  readDeadline?: number;
}

/**
 * The sources evaluated in the sandbox thread; the stage then resolves over the outcomes. The
 * thread does no I/O: an expression that reads a URL comes back asking for it, the URL is read
 * here through the SSRF guard, and the sources are evaluated again with its body (expressions are
 * pure, so a repeat gives the same result).
 */
async function evaluateInSandbox(sourceList: string[], scope: ExpressionScope, session: EvaluationSession): Promise<CelEvaluator | undefined> {
  const { sql, ctx, execution, documents } = session;
  const language = execution.expression_language;
  const sources = [...new Set(sourceList)];
  if (sources.length === 0) return undefined;
  // Pipeline ids are read only for the sources that ask: of this application, or of all for #pipelineIdInApplication.
  const everyApplication = sources.some((source) => source.includes('#pipelineIdInApplication'));
  const fullScope =
    language === 'spel' && sources.some((source) => source.includes('#pipelineId'))
      ? { ...scope, pipelineIds: await selectPipelineIds(sql, everyApplication ? undefined : execution.application) }
      : scope;
  for (;;) {
    const outcomes = await ctx.expressions.evaluate(sources, fullScope, { language, documents });
    const wanted = [...new Set(outcomes.flatMap((outcome) => (!outcome.ok && outcome.needs !== undefined ? [outcome.needs] : [])))];
    if (wanted.length === 0) return evaluatorOf(sources, outcomes);
    session.readDeadline ??= Date.now() + URL_READS_BUDGET_MS;
    for (const url of wanted) documents[url] = await readWithin(url, session);
  }
}

/**
 * A SpEL evaluateVariables stage's variables, resolved in order: each one's value joins the stage's
 * context under its key before the next is evaluated, as orca's EvaluateVariablesStage does.
 */
async function chainVariables(variables: unknown[], scope: ExpressionScope, session: EvaluationSession): Promise<unknown[]> {
  const refId = scope.currentStage;
  const current = refId === undefined ? undefined : scope.stages[refId];
  if (refId === undefined || current === undefined) throw new Error('chainVariables needs the current stage in the scope');
  const earlier: Record<string, unknown> = {};
  const resolved: unknown[] = [];
  for (const [index, variable] of variables.entries()) {
    if (typeof variable !== 'object' || variable === null || Array.isArray(variable)) {
      resolved.push(variable);
      continue;
    }
    const { key, value: written } = variable as { key?: unknown; value?: unknown };
    const chainedScope: ExpressionScope = { ...scope, stages: { ...scope.stages, [refId]: { ...current, context: { ...current.context, ...earlier } } } };
    const evaluate = await evaluateInSandbox(templateExpressions(written, 'spel'), chainedScope, session);
    let value: unknown;
    try {
      value = resolveExpressions(written, chainedScope, evaluate, 'spel');
    } catch (error) {
      if (error instanceof ExpressionError) throw new ExpressionError(error.expression, error.reason, ['variables', index, 'value', ...error.path]);
      throw error;
    }
    if (typeof key === 'string') earlier[key] = value;
    resolved.push({ ...variable, value });
  }
  return resolved;
}

async function readWithin(url: string, session: EvaluationSession): Promise<FetchedDocument> {
  if (Object.keys(session.documents).length >= MAX_URL_READS_PER_STAGE) return { ok: false, reason: `a stage start reads at most ${MAX_URL_READS_PER_STAGE} URLs` };
  const left = (session.readDeadline ?? 0) - Date.now();
  if (left <= 0) return { ok: false, reason: `a stage start has ${URL_READS_BUDGET_MS} ms for reading URLs, and they are spent` };
  return readUrl(url, session.ctx, Math.min(left, session.ctx.services.webhook.timeoutMs));
}

/** A URL's body for an expression, through the same SSRF guard and size bound as webhooks. */
async function readUrl(url: string, ctx: EngineContext, timeoutMs: number): Promise<FetchedDocument> {
  const { allowedHosts } = ctx.services.webhook;
  const sent = await sendRequest({ url, method: 'GET', headers: new Headers({ accept: 'application/json, application/yaml, text/plain, */*' }) }, { fetch: ctx.services.fetch, timeoutMs, allowedHosts });
  switch (sent.kind) {
    case 'response': {
      const { statusCode, bodyText, bodyTruncated } = sent.response;
      if (statusCode < 200 || statusCode >= 300) return { ok: false, reason: `HTTP ${statusCode}` };
      if (bodyTruncated) return { ok: false, reason: `its body is larger than ${MAX_BODY_BYTES} bytes` };
      return { ok: true, body: bodyText };
    }
    case 'refused':
      return { ok: false, reason: sent.reason };
    case 'networkError':
      return { ok: false, reason: sent.message };
    case 'tooManyRedirects':
      return { ok: false, reason: `too many redirects (last hop ${sent.url})` };
  }
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
