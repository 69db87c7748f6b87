import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type ExecutionSummary, type Pipeline } from '../api/client';
import { formatTime } from '../api/status';
import { ErrorNote, StatusBadge } from '../components/Layout';

/** Every application the caller may read, with its pipelines and the last execution of each. */
export function ApplicationsPage() {
  const [search, setSearch] = useState('');
  const pipelines = useQuery({ queryKey: ['pipelines'], queryFn: async () => unwrap(await api.GET('/api/v1/pipelines')).pipelines });
  const byApp = new Map<string, Pipeline[]>();
  for (const pipeline of pipelines.data ?? []) byApp.set(pipeline.application, [...(byApp.get(pipeline.application) ?? []), pipeline]);
  const needle = search.trim().toLowerCase();
  const shown = [...byApp.entries()].filter(
    ([app, list]) => needle === '' || app.includes(needle) || list.some((pipeline) => pipeline.name.toLowerCase().includes(needle)),
  );
  return (
    <section aria-labelledby="apps-title">
      <div className="toolbar">
        <h1 id="apps-title">Applications</h1>
        <input type="search" aria-label="Search applications and pipelines" placeholder="Search…" value={search} onChange={(e) => setSearch(e.target.value)} />
        <Link className="button" to="/applications/new/pipelines/new">
          New pipeline
        </Link>
      </div>
      <ErrorNote error={pipelines.error} />
      {pipelines.isPending && <p role="status">Loading…</p>}
      {pipelines.data && shown.length === 0 && <p>{needle ? `Nothing matches “${search}”.` : 'No pipelines yet: create one.'}</p>}
      <ul className="cards">
        {shown.map(([app, list]) => (
          <ApplicationCard key={app} app={app} pipelines={list} />
        ))}
      </ul>
    </section>
  );
}

function ApplicationCard({ app, pipelines }: { app: string; pipelines: Pipeline[] }) {
  const executions = useQuery({
    queryKey: ['executions', { application: app, limit: 100 }],
    queryFn: async () => unwrap(await api.GET('/api/v1/executions', { params: { query: { application: app, limit: 100 } } })).executions,
    refetchInterval: 10_000,
  });
  const last = new Map<string, ExecutionSummary>();
  for (const execution of executions.data ?? []) if (!last.has(execution.pipelineId)) last.set(execution.pipelineId, execution);
  return (
    <li className="card">
      <h2>
        <Link to={`/applications/${app}/pipelines`}>{app}</Link>
      </h2>
      <table>
        <caption className="visually-hidden">Pipelines of {app} and their last execution</caption>
        <thead>
          <tr>
            <th scope="col">Pipeline</th>
            <th scope="col">Last execution</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {pipelines.map((pipeline) => {
            const execution = last.get(pipeline.id);
            return (
              <tr key={pipeline.id}>
                <td>
                  <Link to={`/applications/${app}/pipelines?pipeline=${pipeline.id}`}>{pipeline.name}</Link>
                </td>
                <td>{execution ? <Link to={`/applications/${app}/executions/${execution.id}`}><StatusBadge status={execution.status} /></Link> : '—'}</td>
                <td>{execution ? formatTime(execution.startTime ?? execution.buildTime) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </li>
  );
}
