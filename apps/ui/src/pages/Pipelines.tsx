import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap, type Execution, type ExecutionSummary, type Pipeline, type Status } from '../api/client';
import { ALL_STATUSES, FINISHED, durationMs, formatDuration, formatTime, statusLabel, text } from '../api/status';
import { useDenied } from '../auth';
import { DeniedNote, ErrorNote, StatusBadge } from '../components/Layout';
import { StartDialog } from '../components/StartDialog';

/** Rows per page; "Show more" adds a page (the API answers up to 500 at once). */
const PAGE = 30;
const MOST = 500;

/**
 * An application's pipelines with their recent executions as rows of stage bars (Deck's view).
 * Filters and the start dialog live in the URL: `?status=RUNNING,TERMINAL&pipeline=<id>` and
 * `?start=<pipeline id or name>&p.<parameter>=<value>` open a shared, pre-filled start form.
 */
export function PipelinesPage() {
  const { app = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const statuses = (params.get('status') ?? '').split(',').filter((s): s is Status => (ALL_STATUSES as string[]).includes(s));
  const pipelineFilter = params.get('pipeline') ?? '';
  const [limit, setLimit] = useState(PAGE);
  const starting = params.get('start');
  const cannotRun = useDenied(app, 'EXECUTE');
  const cannotWrite = useDenied(app, 'WRITE');

  const pipelines = useQuery({
    queryKey: ['pipelines', app],
    queryFn: async () => unwrap(await api.GET('/api/v1/pipelines', { params: { query: { application: app } } })).pipelines,
  });
  const query = { application: app, limit, ...(statuses.length ? { status: statuses.join(',') } : {}), ...(pipelineFilter ? { pipelineId: pipelineFilter } : {}) };
  const executions = useQuery({
    queryKey: ['executions', query],
    queryFn: async () => unwrap(await api.GET('/api/v1/executions', { params: { query } })).executions,
    refetchInterval: (q) => (q.state.data?.some((e) => !FINISHED.has(e.status)) ? 2_000 : 10_000),
  });
  // The list has no stages: each row reads its execution (finished ones are cached for good).
  const details = useQueries({
    queries: (executions.data ?? []).map((summary) => ({
      queryKey: ['execution', summary.id, summary.status],
      queryFn: async () => unwrap(await api.GET('/api/v1/executions/{id}', { params: { path: { id: summary.id } } })),
      staleTime: FINISHED.has(summary.status) ? Infinity : 0,
    })),
  });
  const detailOf = new Map((executions.data ?? []).map((summary, index) => [summary.id, details[index]?.data]));

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };
  const toggleStatus = (status: Status) => {
    const next = statuses.includes(status) ? statuses.filter((s) => s !== status) : [...statuses, status];
    update({ status: next.join(',') });
  };
  const startPipeline = pipelines.data?.find((p) => p.id === starting || p.name === starting);
  const grouped = (pipelines.data ?? []).filter((p) => !pipelineFilter || p.id === pipelineFilter);

  return (
    <section aria-labelledby="pipelines-title">
      <div className="toolbar">
        <h1 id="pipelines-title">Pipelines of {app}</h1>
        {cannotWrite === undefined ? (
          <Link className="button" to={`/applications/${app}/pipelines/new`}>
            New pipeline
          </Link>
        ) : (
          // A link cannot be disabled: a disabled button keeps the place and says why.
          <button type="button" disabled title={cannotWrite}>
            New pipeline
          </button>
        )}
      </div>
      <DeniedNote reason={[cannotRun, cannotWrite].filter((reason) => reason !== undefined).join('; ') || undefined} />
      <fieldset className="filters">
        <legend>Filter executions</legend>
        <label>
          Pipeline{' '}
          <select value={pipelineFilter} onChange={(e) => update({ pipeline: e.target.value })}>
            <option value="">all</option>
            {(pipelines.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {ALL_STATUSES.map((status) => (
          <label key={status} className="check">
            <input type="checkbox" checked={statuses.includes(status)} onChange={() => toggleStatus(status)} /> {statusLabel(status)}
          </label>
        ))}
      </fieldset>
      <ErrorNote error={pipelines.error ?? executions.error} />
      {pipelines.data?.length === 0 && <p>No pipelines in {app} yet.</p>}
      {grouped.map((pipeline) => (
        <PipelineSection
          key={pipeline.id}
          app={app}
          pipeline={pipeline}
          executions={(executions.data ?? []).filter((e) => e.pipelineId === pipeline.id)}
          detailOf={detailOf}
          onStart={() => update({ start: pipeline.id })}
          cannotRun={cannotRun}
        />
      ))}
      {executions.data?.length === limit && limit < MOST && (
        <button type="button" onClick={() => setLimit((current) => Math.min(current + PAGE, MOST))}>
          Show more executions
        </button>
      )}
      {startPipeline && <StartDialog app={app} pipeline={startPipeline} prefill={params} onClose={() => update({ start: undefined })} />}
    </section>
  );
}

function PipelineSection(props: {
  app: string;
  pipeline: Pipeline;
  executions: ExecutionSummary[];
  detailOf: Map<string, Execution | undefined>;
  onStart: () => void;
  cannotRun: string | undefined;
}) {
  const { app, pipeline, executions } = props;
  return (
    <section className="pipeline" aria-labelledby={`p-${pipeline.id}`}>
      <div className="toolbar">
        <h2 id={`p-${pipeline.id}`}>{pipeline.name}</h2>
        <span className="muted">v{pipeline.version}</span>
        <span className="spacer" />
        <Link to={`/applications/${app}/pipelines/${pipeline.id}/edit`}>Edit</Link>
        <button type="button" className="primary" onClick={props.onStart} disabled={props.cannotRun !== undefined} title={props.cannotRun}>
          Start
        </button>
      </div>
      {executions.length === 0 ? (
        <p className="muted">No executions match.</p>
      ) : (
        <ol className="executions" aria-label={`Recent executions of ${pipeline.name}`}>
          {executions.map((execution) => (
            <li key={execution.id} className="execution-row">
              <Link to={`/applications/${app}/executions/${execution.id}`} className="row-link">
                <StatusBadge status={execution.status} />
                <span className="when">{formatTime(execution.startTime ?? execution.buildTime)}</span>
                <span className="muted">{formatDuration(durationMs(execution.startTime, execution.endTime))}</span>
                <span className="muted trigger">{text(execution.trigger.user ?? execution.trigger.type)}</span>
              </Link>
              <StageBars execution={props.detailOf.get(execution.id)} app={app} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function StageBars({ execution, app }: { execution: Execution | undefined; app: string }) {
  if (execution === undefined) return <span className="bars muted">…</span>;
  return (
    <span className="bars" role="list" aria-label="Stages">
      {execution.stages.map((stage) => (
        <Link
          role="listitem"
          key={stage.id}
          to={`/applications/${app}/executions/${execution.id}?stage=${encodeURIComponent(stage.refId)}`}
          className={`bar status-${stage.status}`}
          title={`${stage.name}: ${statusLabel(stage.status)}`}
          aria-label={`${stage.name}: ${statusLabel(stage.status)}`}
        />
      ))}
    </span>
  );
}
