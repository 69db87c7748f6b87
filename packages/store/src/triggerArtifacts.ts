import { ValidationError, artifactsIn, bindExpectedArtifacts, expectedArtifactIdsOf, type Artifact, type PipelineDefinition } from '@gantry/core';
import type { SqlClient } from './database';
import type { JsonObject } from './types';

/**
 * The trigger an execution starts with, its pipeline's expected artifacts bound (orca's
 * ArtifactUtils.resolveArtifacts): `trigger.artifacts` holds what the trigger brought plus what was
 * bound, `trigger.resolvedExpectedArtifacts` (and `expectedArtifacts`, orca's older name) each
 * expected artifact with its `boundArtifact`. An artifact that cannot be bound refuses the launch
 * with a ValidationError naming it: a 400 to a person, a skip with that reason for a trigger.
 */
export async function bindTriggerArtifacts(sql: SqlClient, pipelineId: string, definition: PipelineDefinition, trigger: JsonObject): Promise<JsonObject> {
  const expected = definition.expectedArtifacts ?? [];
  if (expected.length === 0 && trigger.artifacts === undefined) return trigger;
  const received = artifactsIn(trigger.artifacts);
  // Read before binding, and only when an expected artifact may fall back to it (orca reads it lazily).
  const prior = expected.some((entry) => entry.usePriorArtifact) ? await priorArtifacts(sql, pipelineId) : [];
  const binding = bindExpectedArtifacts(expected, expectedArtifactIdsOf(trigger), received, () => prior);
  if (!binding.ok) {
    const index = expected.findIndex((entry) => entry.id === binding.expectedArtifactId);
    throw new ValidationError(binding.reason, [{ path: ['expectedArtifacts', index], message: binding.reason }]);
  }
  const resolved = binding.resolvedExpectedArtifacts;
  return { ...trigger, artifacts: binding.artifacts, resolvedExpectedArtifacts: resolved, expectedArtifacts: resolved };
}

/** The artifacts of the pipeline's latest execution (by start time, then id, as orca picks it). */
async function priorArtifacts(sql: SqlClient, pipelineId: string): Promise<Artifact[]> {
  const { rows } = await sql.query<{ artifacts: unknown }>(
    `SELECT trigger->'artifacts' AS artifacts FROM executions WHERE pipeline_id = $1
     ORDER BY start_time DESC NULLS LAST, id DESC LIMIT 1`,
    [pipelineId],
  );
  return artifactsIn(rows[0]?.artifacts);
}
