import {
  insertAudit,
  selectTask,
  selectStepRows,
  mergeStageOutputs,
  updateTask,
  updateTaskIfUnchanged,
  failedForDatabase,
  wholeStage,
  type ExecutionRow,
  type JsonObject,
  type LockedExecutionRow,
  type SqlClient,
  type StageRow,
  type StagesAndTasks,
  type StageSummary,
  type TaskRow,
} from '@gantry/store';
import { isComplete } from '@gantry/core';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import { backoffDelay, type EngineContext, type Handler } from '../engine/EngineContext';
import { stageTimeoutMs } from '../engine/stagePolicy';
import { inRunningStage } from '../engine/inRunningExecution';
import { completeTaskLocked } from './CompleteTask';
import { TransientTaskError, type ProviderDirectory, type TaskContext, type TaskResult } from '../tasks/Task';
import type { RetryEvent } from '@gantry/providers';
import { ATTR, failSpan, inTaskStep } from '@gantry/telemetry';

/**
 * Runs one step of a task outside any transaction (it may call slow external systems), then
 * commits the result only if the task is still where it was when the step began: a duplicate or
 * stale message, a cancel or a pause in the meantime make the result void. A task declared local
 * (no I/O) runs inside the transaction instead, on the rows read under the lock.
 */
export const runTask: Handler<MessageOf<'RunTask'>> = async (sent, ctx) => {
  if (sent.local) {
    const locally = await runLocally(sent, ctx);
    if (locally !== undefined) return locally;
  }
  // A hint found wrong is not passed on to this task's next polls.
  const { local: _, ...message } = sent;
  const { execution, stage, stages, task } = await selectStepRows(ctx.pool, message.executionId, message.stageId, message.taskId);
  if (!execution || !stage || !task) return [];
  const found = beforeStep(execution, stage, task);
  if (found !== undefined) return found;

  const outcome = await step(execution, stage, stages, task, ctx);

  return inRunningStage(ctx, execution.id, stage.id, (sql, locked, current) => commitStep(sql, locked, current, stage, task, outcome, message, ctx));
};

/**
 * The step of a local task (TaskImplementation.local) in one transaction: lock, the rows, the step,
 * its result, COMMIT. Undefined when the task turns out not to be local (the message's hint is
 * only a hint): the caller then takes the usual way.
 */
async function runLocally(message: MessageOf<'RunTask'>, ctx: EngineContext): Promise<OutgoingMessage[] | undefined> {
  let notLocal = false;
  const next = await inRunningStage(ctx, message.executionId, message.stageId, async (sql, execution, current) => {
    const stage = await wholeStage(sql, current.stages, message.stageId);
    // Only the stage's current attempt's tasks are read: one of an older attempt has nothing to do.
    const task = current.tasks.find((t) => t.id === message.taskId);
    if (!stage || !task) return [];
    const found = beforeStep(execution, stage, task);
    if (found !== undefined) return found;
    if (ctx.task(task.name)?.local !== true) {
      notLocal = true;
      return [];
    }
    const outcome = await step(execution, stage, current.stages, task, ctx);
    return commitStep(sql, execution, current, stage, task, outcome, message, ctx);
  });
  return notLocal ? undefined : next;
}

/** What a RunTask finds before stepping: nothing to do, a follow-up to send again, or (undefined) a step to take. */
function beforeStep(execution: ExecutionRow, stage: StageRow, task: TaskRow): OutgoingMessage[] | undefined {
  if (execution.status !== 'RUNNING' || task.attempt !== stage.attempt) return [];
  // Canceled, cleaning up: only cleanup tasks take steps. A task of the stage's own that still runs
  // means the cancel was not handled yet (its message lost): this sends it again.
  if (execution.canceled && !task.on_failure && !isComplete(task.status)) return [{ message: { type: 'CancelExecution', executionId: execution.id } }];
  // Finished by an earlier delivery of this message whose follow-up was lost in a crash (which may
  // have completed the stage too).
  if (isComplete(task.status)) return [{ message: { type: 'CompleteTask', executionId: execution.id, stageId: stage.id, taskId: task.id } }];
  if (stage.status !== 'RUNNING' || task.status !== 'RUNNING') return [];
  return undefined;
}

/** Writes a step's result in the transaction holding the execution's lock, `current` its rows read there. */
async function commitStep(
  sql: SqlClient,
  execution: LockedExecutionRow,
  current: StagesAndTasks,
  stage: StageRow,
  task: TaskRow,
  outcome: StepOutcome,
  message: MessageOf<'RunTask'>,
  ctx: EngineContext,
): Promise<OutgoingMessage[]> {
  const now = ctx.now();
  const { result, delayMs } = outcome;
  const complete = result.status !== 'RUNNING';
  const patch = {
    polls: task.polls + 1,
    retries: outcome.retries,
    state: result.state ?? task.state,
    // When the delayed RunTask sent below is due: the reconciler re-sends it if it is overdue and gone.
    next_step_at: complete ? null : new Date(now.getTime() + delayMs),
    ...(complete
      ? { status: result.status, end_time: now, error: result.status === 'SUCCEEDED' ? null : { message: result.error } }
      : {}),
  } satisfies Partial<TaskRow>;
  // The task as the lock's read found it (a task of an attempt since replaced is not among them):
  // unless another delivery advanced it meanwhile, this step's result is written.
  const fresh = current.tasks.find((t) => t.id === task.id);
  const written = fresh === undefined ? await updateTaskIfUnchanged(sql, task.id, task.polls, patch) : fresh.status === 'RUNNING' && fresh.polls === task.polls;
  if (!written) return (await stepAgain(sql, stage, task, complete, current)) ? [{ message }] : [];
  if (fresh !== undefined) {
    await updateTask(sql, task.id, patch);
    Object.assign(fresh, patch);
  }
  if (result.outputs && Object.keys(result.outputs).length > 0) {
    await mergeStageOutputs(sql, stage.id, result.outputs);
    const row = current.stages.find((s) => s.id === stage.id);
    if (row) row.outputs = { ...row.outputs, ...result.outputs };
  }
  // An effect may write anything: the rows are read again after it rather than trusted.
  if (result.effect) await result.effect(sql);
  for (const retry of outcome.providerRetries) {
    await insertAudit(sql, { type: 'PROVIDER_RETRY', executionId: execution.id, stageId: stage.id, data: providerRetryData(task, retry) });
  }
  if (complete) {
    await insertAudit(sql, {
      type: 'TASK_COMPLETED',
      executionId: execution.id,
      stageId: stage.id,
      data: { task: task.name, index: task.index, attempt: task.attempt, status: result.status },
    });
    return completeTaskLocked(sql, execution, stage.id, task.id, ctx, result.effect ? undefined : current);
  }
  return [{ message, delayMs } satisfies OutgoingMessage];
}

/**
 * Another delivery of this task committed first. Usually that is a duplicate and this result is
 * rightly dropped; but when the API changed the stage's context (a skip, a judgment) and nudged the
 * task, one of the two deliveries ran on the old context: this one, if the stage's context is no
 * longer what it read; the other, if this one finished the task and the other left it running (the
 * nudge lost the race to a poll that read the stage before the judgment). Either way run the task
 * once more now, or the operator's action would wait out the whole poll.
 */
async function stepAgain(sql: SqlClient, seen: StageRow, task: TaskRow, finished: boolean, current: StagesAndTasks): Promise<boolean> {
  const stage = await wholeStage(sql, current.stages, seen.id);
  if (stage === undefined || stage.status !== 'RUNNING') return false;
  if (JSON.stringify(stage.context) !== JSON.stringify(seen.context)) return true;
  return finished && (current.tasks.find((t) => t.id === task.id) ?? (await selectTask(sql, task.id)))?.status === 'RUNNING';
}

interface StepOutcome {
  result: TaskResult;
  retries: number;
  delayMs: number;
  /** Provider calls the step retried (throttling, transient errors), for the audit log. */
  providerRetries: RetryEvent[];
}

async function step(
  execution: ExecutionRow,
  stage: StageRow,
  stages: StageSummary[],
  task: TaskRow,
  ctx: EngineContext,
): Promise<StepOutcome> {
  const now = ctx.now();
  const providerRetries: RetryEvent[] = [];
  const timeoutMs = stageTimeoutMs(stage);
  const stageStart = stage.start_time ?? now;
  // A stage that timed out still cleans up after itself: its on-failure tasks (a rollback) run to the end.
  const remaining = timeoutMs === undefined || task.on_failure ? Infinity : timeoutMs - (now.getTime() - stageStart.getTime());
  if (remaining <= 0) {
    return terminal(task, `stage timed out: it ran longer than stageTimeoutMs=${timeoutMs} ms`, providerRetries);
  }
  const implementation = ctx.task(task.name);
  if (!implementation) return terminal(task, `no implementation for task ${task.name}`, providerRetries);
  const taskStart = task.start_time ?? now;
  if (implementation.timeoutMs !== undefined && now.getTime() - taskStart.getTime() > implementation.timeoutMs) {
    return terminal(task, `task ${task.name} timed out after ${implementation.timeoutMs} ms`, providerRetries);
  }
  try {
    const providers = observedProviders(ctx.services.providers, (event) => providerRetries.push(event));
    const result = await inTaskStep(`task ${task.name}`, taskAttributes(execution, stage, task), async (span) => {
      const answer = await implementation.run(taskContext(execution, stage, stages, task, ctx, providers));
      span?.setAttribute('gantry.task.status', answer.status);
      if (answer.status === 'TERMINAL') failSpan(span, answer.error);
      return answer;
    });
    const delayMs = result.status === 'RUNNING' ? Math.max(0, Math.min(result.retryAfterMs, remaining)) : 0;
    return { result, retries: 0, delayMs, providerRetries };
  } catch (error) {
    // PostgreSQL went away under the task (it reads executions, starts pipelines…): that says
    // nothing about the task, so the message is retried, for as long as the outage lasts, instead
    // of spending the task's retries or failing it.
    if (await failedForDatabase(error, ctx.pool)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof TransientTaskError && task.retries < ctx.retry.maxRetries) {
      const retries = task.retries + 1;
      ctx.log.warn({ task: task.name, executionId: execution.id, retries, reason }, 'transient task failure, retrying');
      const delayMs = Math.min(backoffDelay(ctx.retry, retries), Math.max(0, remaining));
      return { result: { status: 'RUNNING', retryAfterMs: delayMs, state: task.state }, retries, delayMs, providerRetries };
    }
    if (!(error instanceof TransientTaskError)) {
      ctx.log.error({ task: task.name, executionId: execution.id, err: error }, 'task failed');
    }
    const suffix = error instanceof TransientTaskError ? ` (gave up after ${task.retries} retries)` : '';
    return terminal(task, `${task.name}: ${reason}${suffix}`, providerRetries);
  }
}

/** Who a task's step span (and every span under it: provider calls, HTTP requests) works for. */
function taskAttributes(execution: ExecutionRow, stage: StageRow, task: TaskRow) {
  return {
    [ATTR.executionId]: execution.id,
    [ATTR.application]: execution.application,
    [ATTR.pipelineId]: execution.pipeline_id,
    [ATTR.stageId]: stage.id,
    [ATTR.stageRefId]: stage.ref_id,
    [ATTR.stageType]: stage.type,
    [ATTR.task]: task.name,
  };
}

function terminal(task: TaskRow, error: string, providerRetries: RetryEvent[]): StepOutcome {
  return { result: { status: 'TERMINAL', error }, retries: task.retries, delayMs: 0, providerRetries };
}

/** The accounts as the task sees them: each call's retries are reported to `onRetry`. */
function observedProviders(providers: ProviderDirectory, onRetry: (event: RetryEvent) => void): ProviderDirectory {
  return { accounts: () => providers.accounts(), forAccount: (name) => providers.forAccount(name, { onRetry }) };
}

function providerRetryData(task: TaskRow, retry: RetryEvent): JsonObject {
  const { error } = retry;
  return {
    task: task.name,
    provider: error.provider,
    operation: error.operation,
    kind: error.kind,
    attempt: retry.attempt,
    delayMs: retry.delayMs,
    reason: error.reason,
    ...(error.resource === undefined ? {} : { resource: error.resource.name }),
  };
}

function taskContext(
  execution: ExecutionRow,
  stage: StageRow,
  stages: StageSummary[],
  task: TaskRow,
  ctx: EngineContext,
  providers: ProviderDirectory,
): TaskContext {
  return {
    execution: {
      id: execution.id,
      application: execution.application,
      pipelineId: execution.pipeline_id,
      pipelineName: execution.pipeline_name,
      trigger: execution.trigger,
      parameters: execution.parameters,
      stages: Object.fromEntries(stages.map((s) => [s.ref_id, { status: s.status, outputs: s.outputs }])),
    },
    stage: {
      id: stage.id,
      refId: stage.ref_id,
      type: stage.type,
      name: stage.name,
      context: stage.context,
      outputs: stage.outputs,
      attempt: stage.attempt,
      startTime: stage.start_time ?? ctx.now(),
    },
    task: { id: task.id, name: task.name, state: task.state, polls: task.polls, startTime: task.start_time ?? ctx.now() },
    services: { ...ctx.services, providers },
  };
}
