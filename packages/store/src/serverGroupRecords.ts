import type { SqlClient } from './database';

/** One cluster in one place, as server group stages record it in their outputs. */
export interface ClusterPlace {
  account: string;
  /** Undefined: the account's default location. */
  location?: string;
  cluster: string;
}

/** The stage types whose outputs name the cluster they acted on (`account`, `location`, `cluster`). */
const SERVER_GROUP_STAGE_TYPES = ['deploy', 'resizeServerGroup', 'enableServerGroup', 'disableServerGroup', 'destroyServerGroup', 'rollbackCluster', 'chaos'];

/** The clusters an application's server group stages acted on; the application is the cluster name's first part. */
export async function clusterPlacesOf(sql: SqlClient, application: string): Promise<ClusterPlace[]> {
  const { rows } = await sql.query<{ account: string; location: string | null; cluster: string }>(
    `SELECT DISTINCT outputs->>'account' AS account, outputs->>'location' AS location, outputs->>'cluster' AS cluster
     FROM stages
     WHERE type = ANY($1::text[]) AND outputs ? 'cluster' AND outputs ? 'account'
       AND split_part(outputs->>'cluster', '-', 1) = $2
     ORDER BY 3, 1, 2`,
    [SERVER_GROUP_STAGE_TYPES, application],
  );
  return rows.map((row) => ({ account: row.account, cluster: row.cluster, ...(row.location === null ? {} : { location: row.location }) }));
}

/**
 * Server groups Gantry itself saw healthy: a deploy stage whose waitForUpInstances succeeded
 * (its `serverGroupName`), or a rollback whose restoreServerGroup succeeded (its
 * `restoredServerGroup`). Rollback restores only such groups (or ones that are up right now): a
 * group scaled to zero since says nothing about its health, but this record does.
 */
export async function knownHealthyServerGroups(sql: SqlClient, place: ClusterPlace): Promise<Set<string>> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT DISTINCT CASE WHEN t.name = 'restoreServerGroup' THEN s.outputs->>'restoredServerGroup' ELSE s.outputs->>'serverGroupName' END AS name
     FROM tasks t JOIN stages s ON s.id = t.stage_id AND s.attempt = t.attempt
     WHERE t.status = 'SUCCEEDED' AND t.name IN ('waitForUpInstances', 'restoreServerGroup')
       AND s.outputs->>'cluster' = $1 AND s.outputs->>'account' = $2
       AND ($3::text IS NULL OR s.outputs->>'location' IS NULL OR s.outputs->>'location' = $3)`,
    [place.cluster, place.account, place.location ?? null],
  );
  return new Set(rows.map((row) => row.name).filter((name): name is string => name !== null));
}
