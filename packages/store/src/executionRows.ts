import { randomUUID } from 'node:crypto';
import { redactSecrets, type ExpressionLanguage, type Status } from '@gantry/core';
import type { TraceCarrier } from '@gantry/telemetry';
import type { SqlClient } from './database';
import type { JsonObject } from './types';

/**
 * Row-level SQL for executions, stages, tasks and audit events, shared by the repository, the
 * operator commands and the worker's handlers. Locks are always taken on the execution row first,
 * so every change to one execution is serialised and two workers never interleave.
 */
export interface ExecutionRow {
  id: string;
  pipeline_id: string;
  pipeline_version: number;
  application: string;
  pipeline_name: string;
  status: Status;
  trigger: JsonObject;
  parameters: JsonObject;
  limit_concurrent: boolean;
  keep_waiting_pipelines: boolean;
  /** 'cel' or 'spel': the language of the pipeline version it launched from. */
  expression_language: ExpressionLanguage;
  idempotency_key: string | null;
  parent_execution_id: string | null;
  /** The trace it belongs to (W3C trace context), recorded at its launch when the launcher traced. */
  trace: TraceCarrier | null;
  canceled: boolean;
  canceled_by: string | null;
  cancellation_reason: string | null;
  paused_by: string | null;
  pause_time: Date | null;
  build_time: Date;
  start_time: Date | null;
  end_time: Date | null;
  version: number;
}

export interface StageRow {
  id: string;
  execution_id: string;
  ref_id: string;
  type: string;
  name: string;
  requisite_stage_ref_ids: string[];
  definition: JsonObject;
  context: JsonObject;
  outputs: JsonObject;
  status: Status;
  attempt: number;
  error: JsonObject | null;
  start_time: Date | null;
  end_time: Date | null;
  version: number;
}

export interface TaskRow {
  id: string;
  stage_id: string;
  execution_id: string;
  attempt: number;
  index: number;
  name: string;
  status: Status;
  retries: number;
  polls: number;
  on_failure: boolean;
  state: JsonObject;
  error: JsonObject | null;
  start_time: Date | null;
  end_time: Date | null;
  /** When the task's next step is due: its start, or the delayed RunTask its last step sent. */
  next_step_at: Date | null;
}

const JSON_COLUMNS = new Set(['trigger', 'parameters', 'definition', 'context', 'outputs', 'state', 'error']);

/** The traces of these executions (those that have one), for messages re-created without one. */
export async function selectExecutionTraces(sql: SqlClient, ids: string[]): Promise<Map<string, TraceCarrier>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql.query<{ id: string; trace: TraceCarrier }>('SELECT id, trace FROM executions WHERE id = ANY($1::uuid[]) AND trace IS NOT NULL', [ids]);
  return new Map(rows.map((row) => [row.id, row.trace]));
}

export async function lockExecution(sql: SqlClient, id: string): Promise<ExecutionRow | null> {
  const { rows } = await sql.query<ExecutionRow>('SELECT * FROM executions WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ?? null;
}

export async function selectExecution(sql: SqlClient, id: string): Promise<ExecutionRow | null> {
  const { rows } = await sql.query<ExecutionRow>('SELECT * FROM executions WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function selectStages(sql: SqlClient, executionId: string): Promise<StageRow[]> {
  const { rows } = await sql.query<StageRow>('SELECT * FROM stages WHERE execution_id = $1 ORDER BY ref_id', [executionId]);
  return rows;
}

/** Live pipelines' ids by application, then name (SpEL's `#pipelineId`); of one application, or of all. */
export async function selectPipelineIds(sql: SqlClient, application?: string): Promise<Record<string, Record<string, string>>> {
  const { rows } = await sql.query<{ id: string; name: string; application: string }>(
    `SELECT id, name, application FROM pipelines WHERE deleted_at IS NULL${application === undefined ? '' : ' AND application = $1'}`,
    application === undefined ? [] : [application],
  );
  const byApplication: Record<string, Record<string, string>> = {};
  for (const row of rows) (byApplication[row.application] ??= {})[row.name] = row.id;
  return byApplication;
}

export async function selectStage(sql: SqlClient, id: string): Promise<StageRow | null> {
  const { rows } = await sql.query<StageRow>('SELECT * FROM stages WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** Tasks of the stage's current attempt, in order. */
export async function selectTasks(sql: SqlClient, stage: Pick<StageRow, 'id' | 'attempt'>): Promise<TaskRow[]> {
  const { rows } = await sql.query<TaskRow>('SELECT * FROM tasks WHERE stage_id = $1 AND attempt = $2 ORDER BY index', [
    stage.id,
    stage.attempt,
  ]);
  return rows;
}

export async function selectTask(sql: SqlClient, id: string): Promise<TaskRow | null> {
  const { rows } = await sql.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
  return rows[0] ?? null;
}

type Patch<R> = { [K in keyof R]?: R[K] };

async function update<R>(sql: SqlClient, table: string, id: string, patch: Patch<R>, where = ''): Promise<number> {
  const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return 0;
  const assignments = entries.map(([column], i) => `"${column}" = $${i + 2}`);
  const values = entries.map(([column, value]) => (JSON_COLUMNS.has(column) && value !== null ? JSON.stringify(value) : value));
  const result = await sql.query(`UPDATE ${table} SET ${assignments.join(', ')} WHERE id = $1 ${where}`, [id, ...values]);
  return result.rowCount ?? 0;
}

export function updateExecution(sql: SqlClient, id: string, patch: Patch<ExecutionRow>): Promise<number> {
  return update(sql, 'executions', id, patch);
}

export function updateStage(sql: SqlClient, id: string, patch: Patch<StageRow>): Promise<number> {
  return update(sql, 'stages', id, patch);
}

export function updateTask(sql: SqlClient, id: string, patch: Patch<TaskRow>): Promise<number> {
  return update(sql, 'tasks', id, patch);
}

/** Adds keys to a stage's outputs (a shallow merge: later tasks' keys win). */
export async function mergeStageOutputs(sql: SqlClient, id: string, outputs: JsonObject): Promise<void> {
  await sql.query('UPDATE stages SET outputs = outputs || $2::jsonb WHERE id = $1', [id, JSON.stringify(outputs)]);
}

/** Writes a task's result only if nobody else advanced it since `polls` was read (a duplicate message). */
export async function updateTaskIfUnchanged(sql: SqlClient, id: string, polls: number, patch: Patch<TaskRow>): Promise<boolean> {
  return (await update(sql, 'tasks', id, patch, `AND status = 'RUNNING' AND polls = ${Number(polls)}`)) === 1;
}

/**
 * Adds tasks to the stage's current attempt, the first one RUNNING. A stage's plan starts at index
 * 0; its on-failure tasks follow the tasks it already has (`after` = their count).
 */
export async function insertTasks(
  sql: SqlClient,
  stage: Pick<StageRow, 'id' | 'execution_id' | 'attempt'>,
  names: string[],
  startTime: Date,
  options: { onFailure?: boolean; after?: number } = {},
): Promise<TaskRow[]> {
  const first = options.after ?? 0;
  const tasks: TaskRow[] = names.map((name, position) => ({
    id: randomUUID(),
    stage_id: stage.id,
    execution_id: stage.execution_id,
    attempt: stage.attempt,
    index: first + position,
    name,
    status: position === 0 ? 'RUNNING' : 'NOT_STARTED',
    retries: 0,
    polls: 0,
    on_failure: options.onFailure ?? false,
    state: {},
    error: null,
    start_time: position === 0 ? startTime : null,
    end_time: null,
    next_step_at: null,
  }));
  if (tasks.length === 0) return tasks;
  await sql.query(
    `INSERT INTO tasks (id, stage_id, execution_id, attempt, index, name, status, start_time, on_failure)
     SELECT *, $9::boolean FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])`,
    [
      tasks.map((t) => t.id),
      tasks.map((t) => t.stage_id),
      tasks.map((t) => t.execution_id),
      tasks.map((t) => t.attempt),
      tasks.map((t) => t.index),
      tasks.map((t) => t.name),
      tasks.map((t) => t.status),
      tasks.map((t) => t.start_time),
      options.onFailure ?? false,
    ],
  );
  return tasks;
}

export interface AuditInput {
  type: string;
  executionId?: string | null;
  pipelineId?: string | null;
  stageId?: string | null;
  actor?: string | null;
  /** Whom a service account actor acts for; stored in `data.onBehalfOf`. */
  onBehalfOf?: string;
  data?: JsonObject;
}

/** The audit log is read by everyone who may read the execution: secret-named fields are stored redacted. */
export async function insertAudit(sql: SqlClient, event: AuditInput): Promise<void> {
  await sql.query(
    'INSERT INTO audit_events (execution_id, pipeline_id, stage_id, type, actor, data) VALUES ($1, $2, $3, $4, $5, $6)',
    [
      event.executionId ?? null,
      event.pipelineId ?? null,
      event.stageId ?? null,
      event.type,
      event.actor ?? null,
      JSON.stringify(redactSecrets({ ...event.data, ...(event.onBehalfOf === undefined ? {} : { onBehalfOf: event.onBehalfOf }) })),
    ],
  );
}
