import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  resolveParameters,
  topologicalOrder,
  type PipelineDefinition,
} from '@gantry/core';
import { currentTrace, type TraceCarrier } from '@gantry/telemetry';
import type pg from 'pg';
import { inSnapshot, inTransaction, type SqlClient } from './database';
import { insertAudit, selectExecution, selectStages, type ExecutionRow, type TaskRow } from './executionRows';
import { toExecutionSummary, toStageView } from './executionViews';
import { bindTriggerArtifacts } from './triggerArtifacts';
import { isUuid } from './uuid';
import type {
  AuditEventRecord,
  CommandResult,
  ExecutionDetail,
  ExecutionFilter,
  ExecutionPage,
  ExecutionRepository,
  JsonObject,
  LaunchRequest,
} from './types';

const ACTIVE = ['RUNNING', 'PAUSED'];

export class PostgresExecutionRepository implements ExecutionRepository {
  constructor(private readonly pool: pg.Pool) {}

  async launch(request: LaunchRequest): Promise<CommandResult<ExecutionDetail>> {
    const id = await inTransaction(this.pool, async (sql) => {
      // Serialises launches of one pipeline, so idempotency keys hold under races; limitConcurrent
      // re-reads under the lock below. Other launches need no lock and run in parallel.
      const pipeline = await sql.query<{ id: string; version: number; deleted_at: Date | null }>(
        `SELECT id, version, deleted_at FROM pipelines WHERE id = $1${request.idempotencyKey ? ' FOR UPDATE' : ''}`,
        [request.pipelineId],
      );
      const row = pipeline.rows[0];
      if (!row || row.deleted_at) throw new NotFoundError(`pipeline ${request.pipelineId} not found`);
      if (request.idempotencyKey) {
        const existing = await sql.query<{ id: string }>('SELECT id FROM executions WHERE idempotency_key = $1', [
          request.idempotencyKey,
        ]);
        if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
      }
      const version = request.version ?? row.version;
      const versionRow = await sql.query<{ definition: PipelineDefinition }>(
        'SELECT definition FROM pipeline_versions WHERE pipeline_id = $1 AND version = $2',
        [row.id, version],
      );
      const definition = versionRow.rows[0]?.definition;
      if (!definition) throw new NotFoundError(`pipeline ${row.id} has no version ${version}`);
      const parameters = resolveParameters(definition.parameters, request.parameters);
      const trigger = await bindTriggerArtifacts(sql, row.id, definition, request.trigger);
      const refusesConcurrent = definition.limitConcurrent && !definition.keepWaitingPipelines;
      if (refusesConcurrent && !request.idempotencyKey) {
        await sql.query('SELECT id FROM pipelines WHERE id = $1 FOR UPDATE', [row.id]);
      }
      if (refusesConcurrent && (await hasActiveExecution(sql, row.id))) {
        throw new ConflictError(
          `pipeline ${definition.application}/${definition.name} already has a running execution and limitConcurrent is set (set keepWaitingPipelines to queue instead)`,
          { pipelineId: row.id },
        );
      }
      const executionId = randomUUID();
      await sql.query(
        `INSERT INTO executions (id, pipeline_id, pipeline_version, application, pipeline_name, status, trigger, parameters,
           limit_concurrent, keep_waiting_pipelines, idempotency_key, parent_execution_id, expression_language, trace)
         VALUES ($1, $2, $3, $4, $5, 'NOT_STARTED', $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          executionId,
          row.id,
          version,
          definition.application,
          definition.name,
          JSON.stringify(trigger),
          JSON.stringify(parameters),
          definition.limitConcurrent,
          definition.keepWaitingPipelines,
          request.idempotencyKey ?? null,
          request.parentExecutionId ?? null,
          // Versions saved before the field existed were CEL.
          definition.expressionLanguage ?? 'cel',
          // The launcher's trace (an API request, a trigger, a parent execution's task) is the
          // execution's: its StartExecution carries the same, and a message re-created later joins it.
          traceJson(currentTrace()),
        ],
      );
      const stages = definition.stages;
      await sql.query(
        `INSERT INTO stages (id, execution_id, ref_id, type, name, requisite_stage_ref_ids, definition, status)
         SELECT id, $1, ref_id, type, name, ARRAY(SELECT jsonb_array_elements_text(requisites)), definition, 'NOT_STARTED'
         FROM jsonb_to_recordset($2::jsonb) AS s(id uuid, ref_id text, type text, name text, requisites jsonb, definition jsonb)`,
        [
          executionId,
          JSON.stringify(
            stages.map((stage) => ({
              id: randomUUID(),
              ref_id: stage.refId,
              type: stage.type,
              name: stage.name,
              requisites: stage.requisiteStageRefIds,
              definition: stage,
            })),
          ),
        ],
      );
      await insertAudit(sql, {
        type: 'EXECUTION_CREATED',
        executionId,
        pipelineId: row.id,
        actor: request.actor ?? null,
        data: { pipelineVersion: version, trigger },
      });
      return { id: executionId, created: true };
    });
    return {
      value: await this.get(id.id),
      messages: id.created ? [{ type: 'StartExecution', executionId: id.id }] : [],
    };
  }

  async get(id: string): Promise<ExecutionDetail> {
    // One snapshot: read apart, a stage's outputs could predate the task rows read after them.
    const { execution, stages, tasks } = await inSnapshot(this.pool, async (sql) => {
      const execution = await existingIn(sql, id);
      const stages = await selectStages(sql, id);
      // The tasks of the stages just read (tasks have no index by execution).
      const tasks = await sql.query<TaskRow>('SELECT * FROM tasks WHERE stage_id = ANY($1::uuid[]) ORDER BY attempt, index', [stages.map((stage) => stage.id)]);
      return { execution, stages, tasks };
    });
    return {
      ...toExecutionSummary(execution),
      stages: topologicalOrder(stages.map((row) => ({ row, refId: row.ref_id, requisiteStageRefIds: row.requisite_stage_ref_ids }))).map(
        ({ row }) => toStageView(row, tasks.rows),
      ),
    };
  }

  async list(filter: ExecutionFilter): Promise<ExecutionPage> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.application) where.push(`application = ${param(filter.application)}`);
    if (filter.pipelineId) {
      if (!isUuid(filter.pipelineId)) return { executions: [], nextCursor: null };
      where.push(`pipeline_id = ${param(filter.pipelineId)}`);
    }
    if (filter.statuses?.length) where.push(`status = ANY(${param(filter.statuses)}::text[])`);
    if (filter.cursor) {
      const cursor = decodeCursor(filter.cursor);
      where.push(`(build_time, id) < (${param(cursor.buildTime)}::timestamptz, ${param(cursor.id)}::uuid)`);
    }
    const { rows } = await this.pool.query<ExecutionRow>(
      `SELECT * FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY build_time DESC, id DESC LIMIT ${limit + 1}`,
      values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      executions: page.map(toExecutionSummary),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async audit(executionId: string): Promise<AuditEventRecord[]> {
    await existingIn(this.pool, executionId);
    const { rows } = await this.pool.query<{
      id: string;
      execution_id: string | null;
      pipeline_id: string | null;
      stage_id: string | null;
      type: string;
      actor: string | null;
      data: JsonObject;
      created_at: Date;
    }>('SELECT * FROM audit_events WHERE execution_id = $1 ORDER BY id', [executionId]);
    return rows.map((row) => ({
      id: String(row.id),
      executionId: row.execution_id,
      pipelineId: row.pipeline_id,
      stageId: row.stage_id,
      type: row.type,
      actor: row.actor,
      data: row.data,
      createdAt: row.created_at,
    }));
  }

}

async function existingIn(sql: SqlClient, id: string): Promise<ExecutionRow> {
  const execution = isUuid(id) ? await selectExecution(sql, id) : null;
  if (!execution) throw new NotFoundError(`execution ${id} not found`);
  return execution;
}

async function hasActiveExecution(sql: SqlClient, pipelineId: string): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM executions WHERE pipeline_id = $1 AND status = ANY($2::text[]) LIMIT 1', [
    pipelineId,
    ACTIVE,
  ]);
  return rows.length > 0;
}

function encodeCursor(row: ExecutionRow): string {
  return Buffer.from(`${row.build_time.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { buildTime: string; id: string } {
  const [buildTime, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!buildTime || !id || !isUuid(id) || Number.isNaN(Date.parse(buildTime))) {
    throw new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'not a cursor returned by this API' }]);
  }
  return { buildTime, id };
}

/** A trace as its column holds it: SQL NULL (not JSON null) when the launcher did not trace. */
function traceJson(trace: TraceCarrier | undefined): string | null {
  return trace === undefined ? null : JSON.stringify(trace);
}
