import { SERVER_GROUP_KIND, adoptLive, driftNotification, driftTransition, type DriftField, type DriftResourceId, type DriftState, type NotificationTarget } from '@gantry/core';
import { inTransaction, type SqlClient } from './database';
import { insertAudit } from './executionRows';
import { enqueueNotifications } from './notifications';
import type pg from 'pg';

/**
 * Drift's records (docs/architecture.md "Drift"): what Gantry deployed (`deployed_manifests`, the
 * desired state of each object: a Kubernetes manifest, or an AWS/GCP server group's state, kind
 * `ServerGroup`, location in the namespace's place, provider kind in `api_version`) and the last
 * observation of every watched object (`drift_resources`), whose changes of state are audit
 * events and notifications.
 */

export const DRIFT_DETECTED = 'DRIFT_DETECTED';
export const DRIFT_CLEARED = 'DRIFT_CLEARED';

/** An object as Gantry applied it. */
export interface DeployedManifest extends DriftResourceId {
  apiVersion: string;
  application: string;
  manifest: Record<string, unknown>;
  executionId?: string;
  stageId?: string;
}

/** Records (or replaces) what a stage applied: from now on it is the object's desired state. Idempotent. */
export async function recordDeployedManifests(sql: SqlClient, manifests: readonly DeployedManifest[]): Promise<void> {
  for (const m of manifests) {
    await sql.query(
      `INSERT INTO deployed_manifests (account, namespace, kind, name, api_version, application, manifest, execution_id, stage_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (account, namespace, kind, name) DO UPDATE SET api_version = EXCLUDED.api_version, application = EXCLUDED.application,
         manifest = EXCLUDED.manifest, execution_id = EXCLUDED.execution_id, stage_id = EXCLUDED.stage_id, updated_at = now()`,
      [m.account, m.namespace, m.kind, m.name, m.apiVersion, m.application, JSON.stringify(m.manifest), m.executionId ?? null, m.stageId ?? null],
    );
  }
}

/** Objects Gantry deleted: no longer desired, no longer watched. Idempotent. */
export async function forgetDeployedManifests(sql: SqlClient, resources: readonly DriftResourceId[]): Promise<void> {
  for (const r of resources) {
    await sql.query('DELETE FROM deployed_manifests WHERE account = $1 AND namespace = $2 AND kind = $3 AND name = $4', [r.account, r.namespace, r.kind, r.name]);
    await sql.query('DELETE FROM drift_resources WHERE account = $1 AND namespace = $2 AND kind = $3 AND name = $4 AND watch IS NULL', [r.account, r.namespace, r.kind, r.name]);
  }
}

/**
 * A stage of Gantry changed a deployed object on purpose (scale, patch, undo, restart, traffic): its
 * desired state becomes what that left running (core's adoptLive). Objects Gantry did not deploy
 * are not recorded, and stay so.
 */
export async function rebaseDeployedManifest(sql: SqlClient, resource: DriftResourceId, live: Record<string, unknown>, by: { executionId: string; stageId: string }): Promise<void> {
  const { rows } = await sql.query<{ manifest: Record<string, unknown> }>(
    'SELECT manifest FROM deployed_manifests WHERE account = $1 AND namespace = $2 AND kind = $3 AND name = $4 FOR UPDATE',
    [resource.account, resource.namespace, resource.kind, resource.name],
  );
  const recorded = rows[0];
  if (recorded === undefined) return;
  await sql.query(
    'UPDATE deployed_manifests SET manifest = $5, execution_id = $6, stage_id = $7, updated_at = now() WHERE account = $1 AND namespace = $2 AND kind = $3 AND name = $4',
    [resource.account, resource.namespace, resource.kind, resource.name, JSON.stringify(adoptLive(recorded.manifest, live)), by.executionId, by.stageId],
  );
}

/** The deployed Kubernetes objects (or, `serverGroups`, the AWS/GCP server groups), optionally of one account and namespace (location). */
export async function selectDeployedManifests(
  sql: SqlClient,
  place: { account?: string; namespace?: string; application?: string; serverGroups?: boolean } = {},
): Promise<DeployedManifest[]> {
  const { rows } = await sql.query<{ account: string; namespace: string; kind: string; name: string; api_version: string; application: string; manifest: Record<string, unknown> }>(
    `SELECT account, namespace, kind, name, api_version, application, manifest FROM deployed_manifests
     WHERE ($1::text IS NULL OR account = $1) AND ($2::text IS NULL OR namespace = $2) AND ($5::text IS NULL OR application = $5) AND (kind = $3) = $4
     ORDER BY account, namespace, kind, name`,
    [place.account ?? null, place.namespace ?? null, SERVER_GROUP_KIND, place.serverGroups === true, place.application ?? null],
  );
  return rows.map((row) => ({ account: row.account, namespace: row.namespace, kind: row.kind, name: row.name, apiVersion: row.api_version, application: row.application, manifest: row.manifest }));
}

/** One object as a check saw it. */
export interface DriftObservation extends DriftResourceId {
  apiVersion: string;
  application?: string;
  watch?: string;
  state: DriftState;
  fields: DriftField[];
  /** Who hears of a change of its state. */
  targets: readonly NotificationTarget[];
}

export interface DriftChange extends DriftResourceId {
  event: typeof DRIFT_DETECTED | typeof DRIFT_CLEARED;
  state: DriftState;
}

/**
 * Records a check's observations, all made from `observedAt` on, in one transaction. An object's row
 * is locked while its observation is weighed, and an observation older than the recorded one is
 * dropped, so checks of several workers running at once make each change of state once: one audit
 * event, one notification per target (keyed by the object and the state's start). So is the
 * observation of an object Gantry deployed whose desired state a stage changed (or forgot) since
 * `observedAt`: it compared the live object with a desired state that is no longer the one, and
 * Gantry's own change would read as drift.
 */
export async function recordDriftObservations(pool: pg.Pool, observations: readonly DriftObservation[], observedAt: Date, actor?: { executionId?: string }): Promise<DriftChange[]> {
  return inTransaction(pool, async (sql) => {
    const changes: DriftChange[] = [];
    for (const o of observations) {
      const { rows } = await sql.query<{ state: DriftState; since: Date; checked_at: Date }>(
        'SELECT state, since, checked_at FROM drift_resources WHERE account = $1 AND namespace = $2 AND kind = $3 AND name = $4 FOR UPDATE',
        [o.account, o.namespace, o.kind, o.name],
      );
      const previous = rows[0];
      if (previous !== undefined && previous.checked_at > observedAt) continue;
      if (o.watch === undefined && !(await desiredUnchangedSince(sql, o, observedAt))) continue;
      const { since, event } = driftTransition(previous, o.state, observedAt);
      await sql.query(
        `INSERT INTO drift_resources (account, namespace, kind, name, api_version, application, watch, state, fields, since, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (account, namespace, kind, name) DO UPDATE SET api_version = EXCLUDED.api_version, application = EXCLUDED.application,
           watch = EXCLUDED.watch, state = EXCLUDED.state, fields = EXCLUDED.fields, since = EXCLUDED.since, checked_at = EXCLUDED.checked_at`,
        [o.account, o.namespace, o.kind, o.name, o.apiVersion, o.application ?? null, o.watch ?? null, o.state, JSON.stringify(o.fields), since, observedAt],
      );
      if (event === undefined) continue;
      const resource = { account: o.account, namespace: o.namespace, kind: o.kind, name: o.name };
      await insertAudit(sql, {
        type: event,
        ...(actor?.executionId === undefined ? {} : { executionId: actor.executionId }),
        data: { ...resource, ...(o.application === undefined ? {} : { application: o.application }), ...(o.watch === undefined ? {} : { watch: o.watch }), state: o.state, fields: o.fields as unknown as Record<string, unknown>[], since: since.toISOString() },
      });
      const message = driftNotification(resource, o.state, o.fields);
      const occurrence = `drift:${o.account}/${o.namespace}/${o.kind}/${o.name}:${since.toISOString()}:${event}`;
      await enqueueNotifications(
        sql,
        o.targets.map((target) => ({
          key: `${occurrence}:${target.type}:${target.address}`,
          target,
          event: event === DRIFT_DETECTED ? 'drift.detected' : 'drift.cleared',
          message: { ...message, linkPath: '/api/v1/drift' },
        })),
      );
      changes.push({ ...resource, event, state: o.state });
    }
    return changes;
  });
}

/**
 * The instant a check starts observing, by the database's clock: it is weighed against
 * `updated_at`s the database wrote (now()), so a worker's clock skew cannot make a stale
 * observation look fresh.
 */
export async function observationTime(sql: SqlClient): Promise<Date> {
  const { rows } = await sql.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  const now = rows[0]?.now;
  if (now === undefined) throw new Error('the database did not answer its clock');
  return now;
}

/**
 * The clusters a running (or paused) stage acts on, as its first task recorded them (`cluster`
 * output) or its definition names them: their server groups are that stage's to change, and a
 * check leaves them alone until it ends (by then its tasks' effects have re-based their desired state).
 */
export async function clustersInFlight(sql: SqlClient): Promise<Set<string>> {
  const { rows } = await sql.query<{ cluster: string }>(
    `SELECT DISTINCT named.cluster FROM executions e JOIN stages s ON s.execution_id = e.id,
       LATERAL (VALUES (s.outputs->>'cluster'), (CASE WHEN jsonb_typeof(s.context->'cluster') = 'string' THEN s.context->>'cluster' END)) AS named(cluster)
     WHERE e.status IN ('RUNNING', 'PAUSED') AND s.status IN ('RUNNING', 'PAUSED') AND named.cluster IS NOT NULL`,
  );
  return new Set(rows.map((row) => row.cluster));
}

async function desiredUnchangedSince(sql: SqlClient, resource: DriftResourceId, observedAt: Date): Promise<boolean> {
  const { rows } = await sql.query<{ updated_at: Date }>('SELECT updated_at FROM deployed_manifests WHERE account = $1 AND namespace = $2 AND kind = $3 AND name = $4', [
    resource.account,
    resource.namespace,
    resource.kind,
    resource.name,
  ]);
  const updatedAt = rows[0]?.updated_at;
  // Both times are kept to the millisecond (the column rounds, a JS Date truncates): a change in the
  // observation's own millisecond may have come after it began, so that observation is dropped too.
  return updatedAt !== undefined && updatedAt < observedAt;
}

/** Drops the rows of objects no longer watched (a watch's file removed, a deployed object deleted by hand from the records). */
export async function forgetUnwatched(sql: SqlClient, watched: readonly DriftResourceId[], observedAt: Date): Promise<number> {
  // Compared column by column: PostgreSQL text holds no NUL, so no separator is safe to join them with.
  const { rowCount } = await sql.query(
    `DELETE FROM drift_resources d WHERE d.checked_at < $5 AND NOT EXISTS (
       SELECT 1 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(account, namespace, kind, name)
       WHERE w.account = d.account AND w.namespace = d.namespace AND w.kind = d.kind AND w.name = d.name)`,
    [watched.map((r) => r.account), watched.map((r) => r.namespace), watched.map((r) => r.kind), watched.map((r) => r.name), observedAt],
  );
  return rowCount ?? 0;
}

export interface DriftResourceView extends DriftResourceId {
  apiVersion: string;
  application: string | null;
  watch: string | null;
  state: DriftState;
  fields: DriftField[];
  since: string;
  checkedAt: string;
}

/** The recorded drift, optionally of some applications only (null: every one, for admins). */
export async function selectDrift(sql: SqlClient, filter: { applications: readonly string[] | null; state?: DriftState }): Promise<DriftResourceView[]> {
  const { rows } = await sql.query<{
    account: string;
    namespace: string;
    kind: string;
    name: string;
    api_version: string;
    application: string | null;
    watch: string | null;
    state: DriftState;
    fields: DriftField[];
    since: Date;
    checked_at: Date;
  }>(
    `SELECT * FROM drift_resources WHERE ($1::text[] IS NULL OR application = ANY($1::text[])) AND ($2::text IS NULL OR state = $2)
     ORDER BY account, namespace, kind, name`,
    [filter.applications, filter.state ?? null],
  );
  return rows.map((row) => ({
    account: row.account,
    namespace: row.namespace,
    kind: row.kind,
    name: row.name,
    apiVersion: row.api_version,
    application: row.application,
    watch: row.watch,
    state: row.state,
    fields: row.fields,
    since: row.since.toISOString(),
    checkedAt: row.checked_at.toISOString(),
  }));
}
