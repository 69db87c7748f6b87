import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { formatTime } from '../api/status';
import { useDenied } from '../auth';
import { DeniedNote, ErrorNote } from '../components/Layout';

type Cluster = components['schemas']['Cluster'];
type ServerGroup = components['schemas']['ServerGroup'];
type DeployedManifest = components['schemas']['DeployedManifest'];

/** The application's live clusters by account and location, each with its server groups (newest first), and what its manifest stages deployed. */
export function ClustersPage() {
  const { app = '' } = useParams();
  const clusters = useQuery({
    queryKey: ['clusters', app],
    queryFn: async () => unwrap(await api.GET('/api/v1/applications/{app}/clusters', { params: { path: { app } } })),
    refetchInterval: 5_000,
  });
  const live = clusters.data?.clusters ?? [];
  const manifests = clusters.data?.manifests ?? [];
  const denied = useDenied(app, 'EXECUTE');
  return (
    <section aria-labelledby="clusters-title">
      <h1 id="clusters-title">Clusters of {app}</h1>
      <DeniedNote reason={denied} />
      <ErrorNote error={clusters.error} />
      {clusters.data !== undefined && live.length === 0 && manifests.length === 0 && <p>No live clusters: deploy one with a pipeline.</p>}
      {live.map((cluster) => (
        <ClusterSection key={`${cluster.account}/${cluster.location}/${cluster.name}`} app={app} cluster={cluster} />
      ))}
      {manifests.length > 0 && <ManifestsSection manifests={manifests} />}
    </section>
  );
}

/** Kubernetes objects deployed by manifest stages, by account, namespace and moniker cluster (newest version first). */
function ManifestsSection({ manifests }: { manifests: DeployedManifest[] }) {
  return (
    <section className="cluster" aria-labelledby="manifests-title">
      <h2 id="manifests-title">Deployed manifests</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            <th scope="col">Namespace</th>
            <th scope="col">Account</th>
            <th scope="col">Cluster</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {manifests.map((manifest) => (
            <tr key={`${manifest.account}/${manifest.namespace ?? ''}/${manifest.apiVersion}/${manifest.kind}/${manifest.name}`}>
              <td>{manifest.kind}</td>
              <td>{manifest.name}</td>
              <td>{manifest.namespace ?? '(cluster)'}</td>
              <td>{manifest.account}</td>
              <td>{manifest.cluster}</td>
              <td>{manifest.version === undefined ? '' : `v${String(manifest.version).padStart(3, '0')}`}</td>
              <td>
                <span className={`badge ${manifest.stable ? 'status-SUCCEEDED' : 'status-RUNNING'}`} title={manifest.status}>
                  {manifest.stable ? 'stable' : manifest.status}
                </span>
              </td>
              <td>{manifest.createdAt === undefined ? '' : formatTime(manifest.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
            <th scope="col">Actions</th>
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
              <td>
                <GroupActions app={app} cluster={cluster.name} group={group} where={query} denied={denied} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Where = { account: string; location?: string };

/**
 * Enable or disable, and resize, one server group. Each starts an audited execution (the API's
 * system pipelines), whose page it opens: that is where the outcome shows, a traffic guard's refusal included.
 */
function GroupActions({ app, cluster, group, where, denied }: { app: string; cluster: string; group: ServerGroup; where: Where; denied: string | undefined }) {
  const navigate = useNavigate();
  const [resizing, setResizing] = useState(false);
  const [capacity, setCapacity] = useState(group.capacity);
  const path = { app, cluster, serverGroup: group.name };
  const opened = { onSuccess: (answer: { id: string }) => void navigate(`/applications/${app}/executions/${answer.id}`) };
  const toggle = useMutation({
    mutationFn: async () => {
      const body = { ...where, reason: 'from the web UI' };
      const answer = group.enabled
        ? await api.POST('/api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/disable', { params: { path }, body })
        : await api.POST('/api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/enable', { params: { path }, body });
      return unwrap(answer);
    },
    ...opened,
  });
  const resize = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/resize', {
          params: { path },
          body: { ...where, capacity, reason: 'from the web UI' },
        }),
      ),
    ...opened,
  });
  const incoherent = capacity.min > capacity.desired || capacity.desired > capacity.max ? 'needs min ≤ desired ≤ max' : undefined;
  const field = (key: 'min' | 'desired' | 'max') => (
    <label>
      {key}{' '}
      <input
        type="number"
        min={0}
        value={capacity[key]}
        onChange={(event) => setCapacity({ ...capacity, [key]: Math.max(0, Math.trunc(Number(event.target.value))) })}
        style={{ width: '4em' }}
      />
    </label>
  );
  return (
    <div>
      <button type="button" disabled={denied !== undefined || toggle.isPending} title={denied} onClick={() => toggle.mutate()}>
        {group.enabled ? 'Disable' : 'Enable'}
      </button>{' '}
      <button type="button" disabled={denied !== undefined} title={denied} onClick={() => setResizing(!resizing)} aria-expanded={resizing}>
        Resize
      </button>
      {resizing && (
        <form
          aria-label={`Resize ${group.name}`}
          onSubmit={(event) => {
            event.preventDefault();
            resize.mutate();
          }}
        >
          {field('min')} {field('desired')} {field('max')}{' '}
          <button type="submit" disabled={incoherent !== undefined || resize.isPending} title={incoherent}>
            Resize {group.name}
          </button>
        </form>
      )}
      <ErrorNote error={toggle.error ?? resize.error} />
    </div>
  );
}
