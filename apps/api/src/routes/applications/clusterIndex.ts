import type { ClusterPlace, SqlClient } from '@gantry/store';

/**
 * Where an application's clusters are. Providers answer for one cluster at a time, so the
 * candidates come from Gantry's own records: every server group stage writes the account,
 * location and cluster it acted on into its outputs. The providers then say what is live there.
 */
export interface ClusterIndex {
  /** Distinct places clusters of `application` were deployed to or acted on. */
  clustersOf(application: string): Promise<ClusterPlace[]>;
}

const SERVER_GROUP_STAGE_TYPES = ['deploy', 'resizeServerGroup', 'enableServerGroup', 'disableServerGroup', 'destroyServerGroup', 'rollbackCluster'];

/** Reads the outputs of server group stages; the application is the cluster name's first part. */
export class PostgresClusterIndex implements ClusterIndex {
  constructor(private readonly db: SqlClient) {}

  async clustersOf(application: string): Promise<ClusterPlace[]> {
    const { rows } = await this.db.query<{ account: string; location: string | null; cluster: string }>(
      `SELECT DISTINCT outputs->>'account' AS account, outputs->>'location' AS location, outputs->>'cluster' AS cluster
       FROM stages
       WHERE type = ANY($1::text[]) AND outputs ? 'cluster' AND outputs ? 'account'
         AND split_part(outputs->>'cluster', '-', 1) = $2
       ORDER BY 3, 1, 2`,
      [SERVER_GROUP_STAGE_TYPES, application],
    );
    return rows.map((row) => ({ account: row.account, cluster: row.cluster, ...(row.location === null ? {} : { location: row.location }) }));
  }
}

/** No records (an API without a database in tests): only the accounts' default locations are searched. */
export const emptyClusterIndex: ClusterIndex = { clustersOf: async () => [] };
