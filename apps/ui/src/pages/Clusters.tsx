import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { formatTime } from '../api/status';
import { useDenied } from '../auth';
import { ErrorNote } from '../components/Layout';

type Cluster = components['schemas']['Cluster'];
type ServerGroup = components['schemas']['ServerGroup'];

/** The application's live clusters by account and location, each with its server groups (newest first). */
export function ClustersPage() {
  const { app = '' } = useParams();
  const clusters = useQuery({
    queryKey: ['clusters', app],
    queryFn: async () => unwrap(await api.GET('/api/v1/applications/{app}/clusters', { params: { path: { app } } })).clusters,
    refetchInterval: 5_000,
  });
  return (
    <section aria-labelledby="clusters-title">
      <h1 id="clusters-title">Clusters of {app}</h1>
      <ErrorNote error={clusters.error} />
      {clusters.data?.length === 0 && <p>No live clusters: deploy one with a pipeline.</p>}
      {(clusters.data ?? []).map((cluster) => (
        <ClusterSection key={`${cluster.account}/${cluster.location}/${cluster.name}`} app={app} cluster={cluster} />
      ))}
    </section>
  );
}

function ClusterSection({ app, cluster }: { app: string; cluster: Cluster }) {
  const denied = useDenied(app, 'EXECUTE');
  const navigate = useNavigate();
  const query = { account: cluster.account, ...(cluster.location ? { location: cluster.location } : {}) };
  const groups = useQuery({
    queryKey: ['serverGroups', app, cluster.name, query],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/applications/{app}/clusters/{cluster}/serverGroups', { params: { path: { app, cluster: cluster.name }, query } })).serverGroups,
    refetchInterval: 3_000,
  });
  const [confirming, setConfirming] = useState<{ restore: ServerGroup; current: ServerGroup }>();
  const rollback = useMutation({
    mutationFn: async (restore: ServerGroup) =>
      unwrap(
        await api.POST('/api/v1/applications/{app}/clusters/{cluster}/rollback', {
          params: { path: { app, cluster: cluster.name } },
          body: { ...query, serverGroupName: restore.name, reason: 'rolled back from the web UI' },
        }),
      ),
    onSuccess: (answer) => void navigate(`/applications/${app}/executions/${answer.id}`),
  });
  const list = groups.data ?? [];
  const current = list.find((group) => group.enabled);
  const candidate = current ? list.find((group) => group.sequence < current.sequence && group.healthy) ?? list.find((group) => group.sequence < current.sequence) : undefined;
  return (
    <section className="cluster" aria-labelledby={`c-${cluster.name}-${cluster.account}`}>
      <div className="toolbar">
        <h2 id={`c-${cluster.name}-${cluster.account}`}>{cluster.name}</h2>
        <span className="muted">
          {cluster.account}
          {cluster.location ? ` · ${cluster.location}` : ''}
        </span>
        <span className="spacer" />
        <button
          type="button"
          disabled={denied !== undefined || !current || !candidate}
          title={denied ?? (!candidate ? 'no older server group to restore' : undefined)}
          onClick={() => current && candidate && setConfirming({ restore: candidate, current })}
        >
          Roll back
        </button>
      </div>
      <ErrorNote error={groups.error ?? rollback.error} />
      {confirming && (
        <div className="confirm" role="alertdialog" aria-labelledby="rollback-title">
          <p id="rollback-title">
            Restore <strong>{confirming.restore.name}</strong> ({confirming.restore.image}) and take <strong>{confirming.current.name}</strong> out of traffic?
          </p>
          <button type="button" className="danger" onClick={() => rollback.mutate(confirming.restore)} disabled={rollback.isPending}>
            Roll back to {confirming.restore.name}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(undefined)}>
            Keep {confirming.current.name}
          </button>
        </div>
      )}
      <table>
        <caption className="visually-hidden">Server groups of {cluster.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Server group</th>
            <th scope="col">Image</th>
            <th scope="col">Capacity (min/desired/max)</th>
            <th scope="col">Health</th>
            <th scope="col">Traffic</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {list.map((group) => (
            <tr key={group.name} className={group.enabled ? 'in-traffic' : undefined}>
              <td>{group.name}</td>
              <td className="image">{group.image}</td>
              <td>
                {group.capacity.min}/{group.capacity.desired}/{group.capacity.max}
              </td>
              <td>
                <span className={`badge ${group.healthy ? 'status-SUCCEEDED' : 'status-TERMINAL'}`}>
                  {group.health.up}/{group.health.desired} up
                </span>
              </td>
              <td>{group.enabled ? `enabled${typeof group.details.weight === 'number' ? ` (${group.details.weight}%)` : ''}` : 'disabled'}</td>
              <td>{formatTime(group.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
