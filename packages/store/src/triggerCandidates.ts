import type { TriggerCandidate } from '@gantry/core';
import type { SqlClient } from './database';
import type { JsonObject } from './types';

interface CandidateRow {
  id: string;
  application: string;
  name: string;
  version: number;
  definition: JsonObject;
  created_by: string | null;
  created_by_roles: string[] | null;
}

const SELECT_LATEST = `SELECT p.id, p.application, p.name, p.version, v.definition, v.created_by, v.created_by_roles
  FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id AND v.version = p.version
  WHERE p.deleted_at IS NULL`;

/**
 * Live pipelines (latest version) with a trigger containing `trigger`, e.g. `{type: "webhook",
 * source: "github"}`: JSONB containment, so the database narrows the candidates and the trigger
 * kinds' matching code decides about each.
 */
export async function selectTriggerCandidates(sql: SqlClient, trigger: JsonObject): Promise<TriggerCandidate[]> {
  const { rows } = await sql.query<CandidateRow>(`${SELECT_LATEST} AND v.definition->'triggers' @> $1::jsonb ORDER BY p.application, p.name`, [
    JSON.stringify([trigger]),
  ]);
  return rows.map(toCandidate);
}

/** Whether any live pipeline (latest version) has a trigger containing `trigger`: selectTriggerCandidates' question, without the rows. */
export async function hasTriggerCandidates(sql: SqlClient, trigger: JsonObject): Promise<boolean> {
  const { rows } = await sql.query<{ found: boolean }>(`SELECT EXISTS (${SELECT_LATEST} AND v.definition->'triggers' @> $1::jsonb) AS found`, [
    JSON.stringify([trigger]),
  ]);
  return rows[0]?.found === true;
}

/** One live pipeline at its latest version; null when it is gone (deleted, or never existed). */
export async function selectTriggerCandidate(sql: SqlClient, pipelineId: string): Promise<TriggerCandidate | null> {
  const { rows } = await sql.query<CandidateRow>(`${SELECT_LATEST} AND p.id = $1::uuid`, [pipelineId]);
  const row = rows[0];
  return row === undefined ? null : toCandidate(row);
}

function toCandidate(row: CandidateRow): TriggerCandidate {
  return { pipelineId: row.id, application: row.application, name: row.name, version: row.version, definition: row.definition, savedBy: row.created_by, savedByRoles: row.created_by_roles };
}
