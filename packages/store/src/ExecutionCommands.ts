import {
  EXECUTION_WINDOW_TASK,
  ConflictError,
  FREEZE_OVERRIDE_CONTEXT,
  FREEZE_TASK,
  NotFoundError,
  canRestart,
  cleansUpOnCancel,
  isComplete,
  isExecutionFinished,
  JUDGMENT_TASK,
  STEP_JUDGMENTS_CONTEXT,
  judgmentRequestOf,
  stepJudgmentsOf,
  stagesToReset,
  startableStages,
} from '@gantry/core';
import type { EngineMessage } from '@gantry/queue';
import type { TraceCarrier } from '@gantry/telemetry';
import type pg from 'pg';
import { inTransaction, type SqlClient } from './database';
import { recordExecutionEvent } from './notifications';
import {
  insertAudit,
  lockExecution,
  selectExecution,
  selectStage,
  selectStages,
  selectTasks,
  updateExecution,
  updateStage,
  type ExecutionRow,
  type StageRow,
} from './executionRows';
import { schedulable, toExecutionSummary, toStageView } from './executionViews';
import { isUuid } from './uuid';
import type { Actor, CommandResult, ExecutionCommands, ExecutionSummary, StageView } from './types';

/**
 * Operator actions. Each one checks and changes state in one transaction under the execution's row
 * lock (so it cannot race a worker's transition) and returns the messages that make the worker act.
 */
export class PostgresExecutionCommands implements ExecutionCommands {
  constructor(private readonly pool: pg.Pool) {}

  cancel(executionId: string, input: Actor & { reason?: string }): Promise<CommandResult<ExecutionSummary>> {
    return this.onExecution(executionId, async (sql, execution) => {
      // Canceled already, and cleaning up: a second cancel has nothing more to stop.
      if (isComplete(execution.status) || execution.canceled) throw conflict(execution, 'cancel');
      const stages = await selectStages(sql, execution.id);
      // A stage that undoes what it leaves half done (a canary's abort, a deploy's rollback) does so
      // in the worker: the execution stays RUNNING until that cleanup has ended, then turns CANCELED.
      const cleansUp = stages.some((stage) => (stage.status === 'RUNNING' || stage.status === 'PAUSED') && cleansUpOnCancel(stage));
      await updateExecution(sql, execution.id, {
        canceled: true,
        canceled_by: actorOf(input),
        cancellation_reason: input.reason ?? null,
        ...(cleansUp ? { status: 'RUNNING' } : { status: 'CANCELED', end_time: new Date() }),
      });
      await insertAudit(sql, {
        type: 'EXECUTION_CANCELED',
        executionId: execution.id,
        pipelineId: execution.pipeline_id,
        ...auditActor(input),
        data: { reason: input.reason ?? null, previousStatus: execution.status },
      });
      return [{ type: 'CancelExecution', executionId: execution.id }];
    });
  }

  pause(executionId: string, input: Actor): Promise<CommandResult<ExecutionSummary>> {
    return this.onExecution(executionId, async (sql, execution) => {
      // A canceled execution still RUNNING is cleaning up: pausing would leave its traffic half undone.
      if (execution.status !== 'RUNNING' || execution.canceled) throw conflict(execution, 'pause');
      await updateExecution(sql, execution.id, { status: 'PAUSED', paused_by: actorOf(input), pause_time: new Date() });
      await sql.query(
        `UPDATE stages SET status = 'PAUSED' WHERE execution_id = $1 AND status = 'RUNNING'`,
        [execution.id],
      );
      await sql.query(
        `UPDATE tasks SET status = 'PAUSED' WHERE stage_id IN (SELECT id FROM stages WHERE execution_id = $1) AND status = 'RUNNING'`,
        [execution.id],
      );
      await insertAudit(sql, { type: 'EXECUTION_PAUSED', executionId: execution.id, ...auditActor(input) });
      return [];
    });
  }

  resume(executionId: string, input: Actor): Promise<CommandResult<ExecutionSummary>> {
    return this.onExecution(executionId, async (sql, execution) => {
      if (execution.status !== 'PAUSED') throw conflict(execution, 'resume');
      await updateExecution(sql, execution.id, { status: 'RUNNING' });
      await insertAudit(sql, { type: 'EXECUTION_RESUMED', executionId: execution.id, ...auditActor(input) });
      const stages = await selectStages(sql, execution.id);
      const messages: EngineMessage[] = stages
        .filter((stage) => stage.status === 'PAUSED')
        .map((stage) => ({ type: 'ResumeStage', executionId: execution.id, stageId: stage.id }));
      // Stages that became startable while paused had their StartStage dropped: send it again.
      for (const stage of startableStages(schedulable(stages))) {
        messages.push({ type: 'StartStage', executionId: execution.id, stageId: stage.id });
      }
      if (messages.length === 0 && isExecutionFinished(schedulable(stages))) {
        messages.push({ type: 'CompleteExecution', executionId: execution.id });
      }
      return messages;
    });
  }

  restartStage(executionId: string, stageKey: string, input: Actor): Promise<CommandResult<StageView>> {
    return this.onStage(executionId, stageKey, async (sql, execution, stage, stages) => {
      if (execution.canceled) throw conflict(execution, 'restart a stage of');
      if (execution.status === 'PAUSED') throw conflict(execution, 'restart a stage of');
      if (!canRestart(stage.status)) {
        throw new ConflictError(`stage ${stage.ref_id} is ${stage.status}: only a finished stage can be restarted`, {
          stage: stage.ref_id,
          status: stage.status,
        });
      }
      const reset = new Set(stagesToReset(schedulable(stages), stage.ref_id));
      for (const candidate of stages) {
        if (!reset.has(candidate.ref_id)) continue;
        await updateStage(sql, candidate.id, {
          status: 'NOT_STARTED',
          // A new attempt number retires the old tasks and any message still addressed to them.
          attempt: candidate.status === 'NOT_STARTED' ? candidate.attempt : candidate.attempt + 1,
          context: {},
          outputs: {},
          error: null,
          start_time: null,
          end_time: null,
        });
      }
      if (execution.status !== 'RUNNING') {
        await updateExecution(sql, execution.id, { status: 'RUNNING', end_time: null });
      }
      await insertAudit(sql, {
        type: 'STAGE_RESTARTED',
        executionId: execution.id,
        stageId: stage.id,
        ...auditActor(input),
        data: { refId: stage.ref_id, reset: [...reset], previousStatus: stage.status },
      });
      return [{ type: 'RestartStage', executionId: execution.id, stageId: stage.id }];
    });
  }

  skipWait(executionId: string, stageKey: string, input: Actor): Promise<CommandResult<StageView>> {
    return this.onStage(executionId, stageKey, async (sql, execution, stage) => {
      // A wait stage, or any stage still waiting for its execution window (Spinnaker's skipRemainingWait).
      const inWindow = stage.type !== 'wait' && (await selectTasks(sql, stage)).some((task) => task.name === EXECUTION_WINDOW_TASK && task.status === 'RUNNING');
      if (stage.type !== 'wait' && !inWindow) {
        throw new ConflictError(`stage ${stage.ref_id} is a ${stage.type} stage, not a wait, and is not waiting for its execution window`);
      }
      if (stage.status !== 'RUNNING' || execution.status !== 'RUNNING') throw stageConflict(stage, 'skip its wait');
      await updateStage(sql, stage.id, { context: { ...stage.context, skipRemainingWait: true, lastModifiedBy: actorOf(input) } });
      await insertAudit(sql, { type: 'WAIT_SKIPPED', executionId: execution.id, stageId: stage.id, ...auditActor(input) });
      return this.nudgeRunningTask(sql, execution, stage);
    });
  }

  judge(
    executionId: string,
    stageKey: string,
    input: Actor & { judgmentStatus: 'continue' | 'stop'; judgmentInput?: string },
  ): Promise<CommandResult<StageView>> {
    return this.onStage(executionId, stageKey, async (sql, execution, stage) => {
      const request = judgmentRequestOf(stage.type, stage.context, stage.outputs);
      if (request === undefined) {
        const why = stage.type === 'deploy' ? ' (its cluster asks for no judgment)' : '';
        throw new ConflictError(`stage ${stage.ref_id} is a ${stage.type} stage, not a manual judgment${why}`);
      }
      if (stage.status !== 'RUNNING' || execution.status !== 'RUNNING') throw stageConflict(stage, 'judge it');
      const answers = stepJudgmentsOf(stage.context);
      const step = request.awaiting !== undefined && answers[request.awaiting] === undefined ? request.awaiting : undefined;
      if (step === undefined) {
        if (stage.context.judgmentStatus !== undefined) throw stageConflict(stage, 'judge it');
        // A stage that waits for a judgment in one of its tasks takes it only while that task runs.
        if (!request.wholeStage && !(await selectTasks(sql, stage)).some((task) => task.name === JUDGMENT_TASK && task.status === 'RUNNING')) {
          throw new ConflictError(`stage ${stage.ref_id} is not waiting for a judgment yet: cannot judge it`, { stage: stage.ref_id, status: stage.status });
        }
      }
      const allowed = request.options;
      if (input.judgmentInput !== undefined && allowed.length > 0 && !allowed.includes(input.judgmentInput)) {
        throw new ConflictError(`judgmentInput must be one of: ${allowed.join(', ')}`, { allowed });
      }
      const judgment = {
        judgmentStatus: input.judgmentStatus,
        judgmentInput: input.judgmentInput ?? null,
        lastModifiedBy: actorOf(input),
        judgedAt: new Date().toISOString(),
      };
      const context = step === undefined ? { ...stage.context, ...judgment } : { ...stage.context, [STEP_JUDGMENTS_CONTEXT]: { ...answers, [step]: judgment } };
      await updateStage(sql, stage.id, { context });
      await insertAudit(sql, {
        type: 'STAGE_JUDGED',
        executionId: execution.id,
        stageId: stage.id,
        ...auditActor(input),
        data: step === undefined ? judgment : { ...judgment, step },
      });
      if (stage.type === 'manualJudgment') {
        await recordExecutionEvent(sql, {
          event: input.judgmentStatus === 'continue' ? 'manualJudgmentContinue' : 'manualJudgmentStop',
          execution,
          stage: { ...stage, context },
          judgedBy: judgment.lastModifiedBy,
          judgmentInput: judgment.judgmentInput,
        });
      }
      return this.nudgeRunningTask(sql, execution, stage);
    });
  }

  overrideFreeze(executionId: string, stageKey: string, input: Actor & { reason: string }): Promise<CommandResult<StageView>> {
    return this.onStage(executionId, stageKey, async (sql, execution, stage) => {
      if (stage.status !== 'RUNNING' || execution.status !== 'RUNNING') throw stageConflict(stage, 'override its freeze');
      const waiting = (await selectTasks(sql, stage)).some((task) => task.name === FREEZE_TASK && task.status === 'RUNNING');
      if (!waiting) throw new ConflictError(`stage ${stage.ref_id} is not waiting in a deploy freeze: nothing to override`, { stage: stage.ref_id, status: stage.status });
      if (stage.context[FREEZE_OVERRIDE_CONTEXT] !== undefined) throw new ConflictError(`the freeze of stage ${stage.ref_id} is already overridden`, { stage: stage.ref_id });
      const override = { user: actorOf(input), reason: input.reason, at: new Date().toISOString() };
      await updateStage(sql, stage.id, { context: { ...stage.context, [FREEZE_OVERRIDE_CONTEXT]: override } });
      await insertAudit(sql, {
        type: 'FREEZE_OVERRIDDEN',
        executionId: execution.id,
        stageId: stage.id,
        ...auditActor(input),
        data: { refId: stage.ref_id, reason: input.reason, freeze: stage.outputs.freeze ?? null },
      });
      return this.nudgeRunningTask(sql, execution, stage);
    });
  }

  /** The stage's waiting task would notice on its next poll; a message now makes it notice at once. */
  private async nudgeRunningTask(sql: SqlClient, execution: ExecutionRow, stage: StageRow): Promise<EngineMessage[]> {
    const running = (await selectTasks(sql, stage)).find((task) => task.status === 'RUNNING');
    return running ? [{ type: 'RunTask', executionId: execution.id, stageId: stage.id, taskId: running.id }] : [];
  }

  private async onExecution(
    executionId: string,
    change: (sql: SqlClient, execution: ExecutionRow) => Promise<EngineMessage[]>,
  ): Promise<CommandResult<ExecutionSummary>> {
    const messages = await inTransaction(this.pool, async (sql) => change(sql, await this.lock(sql, executionId)));
    const execution = await selectExecution(this.pool, executionId);
    if (!execution) throw new NotFoundError(`execution ${executionId} not found`);
    return { value: toExecutionSummary(execution), messages, ...traceOf(execution) };
  }

  private async onStage(
    executionId: string,
    stageKey: string,
    change: (sql: SqlClient, execution: ExecutionRow, stage: StageRow, stages: StageRow[]) => Promise<EngineMessage[]>,
  ): Promise<CommandResult<StageView>> {
    const { stageId, messages, trace } = await inTransaction(this.pool, async (sql) => {
      const execution = await this.lock(sql, executionId);
      const stages = await selectStages(sql, execution.id);
      const stage = stages.find((s) => s.id === stageKey || s.ref_id === stageKey);
      if (!stage) throw new NotFoundError(`stage ${stageKey} not found in execution ${executionId}`);
      return { stageId: stage.id, messages: await change(sql, execution, stage, stages), ...traceOf(execution) };
    });
    const stage = await selectStage(this.pool, stageId);
    if (!stage) throw new NotFoundError(`stage ${stageKey} not found in execution ${executionId}`);
    return { value: toStageView(stage, await selectTasks(this.pool, stage)), messages, ...(trace === undefined ? {} : { trace }) };
  }

  private async lock(sql: SqlClient, executionId: string): Promise<ExecutionRow> {
    const execution = isUuid(executionId) ? await lockExecution(sql, executionId) : null;
    if (!execution) throw new NotFoundError(`execution ${executionId} not found`);
    return execution;
  }
}

function traceOf(execution: ExecutionRow): { trace?: TraceCarrier } {
  return execution.trace === null ? {} : { trace: execution.trace };
}

function actorOf(input: Actor): string {
  return input.user ?? 'anonymous';
}

/** The audit event's actor, and whom it acted for when a service account said so. */
function auditActor(input: Actor): { actor: string; onBehalfOf?: string } {
  return { actor: actorOf(input), ...(input.onBehalfOf === undefined ? {} : { onBehalfOf: input.onBehalfOf }) };
}

function conflict(execution: ExecutionRow, action: string): ConflictError {
  const state = execution.canceled && !isComplete(execution.status) ? 'canceled, its stages cleaning up' : execution.status;
  return new ConflictError(`cannot ${action} execution ${execution.id}: it is ${state}`, {
    status: execution.status,
  });
}

function stageConflict(stage: StageRow, action: string): ConflictError {
  return new ConflictError(`stage ${stage.ref_id} is ${stage.status}, not waiting: cannot ${action}`, {
    stage: stage.ref_id,
    status: stage.status,
  });
}
