import { clusterPlacesOf, type ClusterPlace, type SqlClient } from '@gantry/store';

/**
 * Where an application's clusters are. Providers answer for one cluster at a time, so the
 * candidates come from Gantry's own records: every server group stage writes the account,
 * location and cluster it acted on into its outputs. The providers then say what is live there.
 */
export interface ClusterIndex {
  /** Distinct places clusters of `application` were deployed to or acted on. */
  clustersOf(application: string): Promise<ClusterPlace[]>;
  /** Distinct account, namespace and kind manifest stages of `application`'s pipelines acted on. */
  manifestPlacesOf(application: string): Promise<ManifestPlace[]>;
}

/** Where an application's manifests may be: the kind in one namespace (none: cluster-scoped) of one account. */
export interface ManifestPlace {
  account: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
}


/** Reads the outputs of server group stages (store's clusterPlacesOf). */
export class PostgresClusterIndex implements ClusterIndex {
  constructor(private readonly db: SqlClient) {}

  clustersOf(application: string): Promise<ClusterPlace[]> {
    return clusterPlacesOf(this.db, application);
  }

  /**
   * Every manifest stage records the objects it acted on (`manifestRefs`) and its account. The
   * places are the kinds and namespaces, not the objects: listing them live also finds the
   * versions deployed since and leaves out the deleted ones.
   */
  async manifestPlacesOf(application: string): Promise<ManifestPlace[]> {
    const { rows } = await this.db.query<{ account: string; api_version: string; kind: string; namespace: string | null }>(
      `SELECT DISTINCT s.outputs->>'deploy.account.name' AS account, ref->>'apiVersion' AS api_version, ref->>'kind' AS kind, ref->>'namespace' AS namespace
       FROM stages s JOIN executions e ON e.id = s.execution_id
       CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.outputs->'manifestRefs') = 'array' THEN s.outputs->'manifestRefs' ELSE '[]'::jsonb END) AS ref
       WHERE e.application = $1 AND s.outputs ? 'deploy.account.name'
       ORDER BY 1, 2, 3, 4`,
      [application],
    );
    return rows.map((row) => ({ account: row.account, apiVersion: row.api_version, kind: row.kind, ...(row.namespace === null ? {} : { namespace: row.namespace }) }));
  }
}

/** No records (an API without a database in tests): only the accounts' default locations are searched. */
export const emptyClusterIndex: ClusterIndex = { clustersOf: async () => [], manifestPlacesOf: async () => [] };
