import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap, type Execution, type Stage } from '../api/client';
import { FINISHED, durationMs, formatDuration, formatTime, statusLabel, text } from '../api/status';
import { useExecutionStream } from '../api/stream';
import { useDenied } from '../auth';
import { CanaryReport } from '../components/CanaryReport';
import { Dag } from '../components/Dag';
import { DeniedNote, ErrorNote, StatusBadge } from '../components/Layout';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Ticks every second while something runs, so running durations count up. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function ExecutionPage() {
  const { app = '', id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const execution = useQuery({
    queryKey: ['execution', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/executions/{id}', { params: { path: { id } } })),
  });
  const running = execution.data !== undefined && !FINISHED.has(execution.data.status);
  const stream = useExecutionStream(id, execution.data === undefined || running);
  const now = useNow(running);
  const denied = useDenied(app, 'EXECUTE');
  if (execution.isPending) return <p role="status">Loading…</p>;
  if (execution.error) return <ErrorNote error={execution.error} />;
  const data = execution.data;
  const selectedRef = params.get('stage') ?? defaultStage(data)?.refId;
  const selected = data.stages.find((stage) => stage.refId === selectedRef);
  return (
    <article aria-labelledby="execution-title" className="execution">
      <div className="toolbar">
        <h1 id="execution-title">
          <Link to={`/applications/${app}/pipelines?pipeline=${data.pipelineId}`}>{data.name}</Link> <StatusBadge status={data.status} />
        </h1>
        <span className="muted">
          {formatTime(data.startTime ?? data.buildTime)} · {formatDuration(durationMs(data.startTime, data.endTime, now))} · by {text(data.trigger.user ?? data.trigger.type)}
        </span>
        <span className="spacer" />
        <span className={`live ${stream}`} role="status" aria-live="polite">
          {stream === 'live' ? 'live' : stream === 'off' ? '' : stream}
        </span>
        <ExecutionControls execution={data} />
      </div>
      <DeniedNote reason={denied} />
      {Object.keys(data.parameters).length > 0 && (
        <dl className="parameters" aria-label="Parameters">
          {Object.entries(data.parameters).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      <Waiting execution={data} now={now} />
      <Dag
        label="Stages of the execution"
        selected={selectedRef}
        onSelect={(refId) => setParams({ stage: refId }, { replace: true })}
        nodes={data.stages.map((stage) => ({
          id: stage.refId,
          label: stage.name,
          status: stage.status,
          detail: stageDetail(stage, now),
          requisites: stage.requisiteStageRefIds,
        }))}
      />
      {selected && <StagePanel execution={data} stage={selected} now={now} />}
    </article>
  );
}

function defaultStage(execution: Execution): Stage | undefined {
  return execution.stages.find((s) => s.status === 'RUNNING') ?? execution.stages.find((s) => s.status === 'TERMINAL') ?? execution.stages[0];
}

function runningTask(stage: Stage) {
  return stage.tasks.find((task) => task.status === 'RUNNING');
}

function stageDetail(stage: Stage, now: number): string {
  const task = runningTask(stage);
  const time = formatDuration(durationMs(stage.startTime, stage.endTime, now));
  if (stage.status === 'RUNNING' && task) return `${task.name} · ${time}`;
  return stage.startTime ? `${statusLabel(stage.status)} · ${time}` : statusLabel(stage.status);
}

/** The judgment a stage waits for now, if any: a manualJudgment, or a deploy/canary step naming it in awaitingJudgment. */
function judgmentOf(stage: Stage): { instructions?: string; options: string[]; step?: string } | undefined {
  if (stage.status !== 'RUNNING') return undefined;
  const awaiting = stage.outputs.awaitingJudgment;
  const waiting = runningTask(stage)?.name === 'waitForJudgment' || typeof awaiting === 'string';
  if (!waiting) return undefined;
  const cluster = isRecord(stage.context.cluster) ? stage.context.cluster : Array.isArray(stage.context.clusters) && isRecord(stage.context.clusters[0]) ? stage.context.clusters[0] : {};
  const source = stage.type === 'manualJudgment' ? stage.context : isRecord(cluster.judgment) ? cluster.judgment : {};
  const inputs = Array.isArray(source.judgmentInputs) ? source.judgmentInputs : [];
  return {
    ...(typeof source.instructions === 'string' ? { instructions: source.instructions } : {}),
    options: inputs.map((input) => (isRecord(input) ? String(input.value) : String(input))),
    ...(typeof awaiting === 'string' ? { step: awaiting } : {}),
  };
}

/** When a stage waiting for its execution window (Spinnaker's restrictExecutionDuringTimeWindow) may start, if it waits for one now. */
function executionWindowUntil(stage: Stage): string | undefined {
  const window = isRecord(stage.outputs.executionWindow) ? stage.outputs.executionWindow : undefined;
  const waiting = stage.status === 'RUNNING' && runningTask(stage)?.name === 'waitForExecutionWindow';
  return waiting && window?.status === 'waiting' && typeof window.until === 'string' ? window.until : undefined;
}

/** A canary between judgments: which step, its traffic, and when its interval of metrics is judged. */
function canaryWait(stage: Stage, now: number): string {
  const task = runningTask(stage)?.name ?? '';
  if (task !== 'runCanaryAnalysis') return `${stage.name}: the canary's ${task} runs before the analysis.`;
  const steps = Array.isArray(stage.context.steps) ? stage.context.steps : [];
  const index = typeof stage.outputs.canaryStep === 'number' ? stage.outputs.canaryStep : 0;
  const interval = Number(stage.context.intervalSec ?? 60);
  const warmup = Number(stage.context.warmupSec ?? 0);
  const started = typeof stage.outputs.canaryStepStartedAt === 'string' ? Date.parse(stage.outputs.canaryStepStartedAt) : undefined;
  const left = started === undefined ? '' : `, judged in ${formatDuration(Math.max(0, started + (warmup + interval) * 1000 - now))}`;
  return `${stage.name} waits for canary step ${index + 1} of ${steps.length} (${text(steps[index])} % of traffic): its metrics are collected for intervalSec ${interval} s after warmupSec ${warmup} s${left}.`;
}

/** Why nothing moves: each waiting stage and what it waits for. */
function Waiting({ execution, now }: { execution: Execution; now: number }) {
  const pipeline = useQuery({
    queryKey: ['pipeline', execution.pipelineId],
    queryFn: async () => unwrap(await api.GET('/api/v1/pipelines/{id}', { params: { path: { id: execution.pipelineId } } })),
    enabled: execution.status === 'NOT_STARTED',
  });
  const limited = execution.status === 'NOT_STARTED' && pipeline.data !== undefined && pipeline.data.definition.limitConcurrent !== false;
  // The execution that holds the pipeline's one slot, to link to it.
  const ahead = useQuery({
    queryKey: ['executions', execution.pipelineId, 'ahead'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/executions', { params: { query: { pipelineId: execution.pipelineId, status: 'RUNNING,PAUSED', limit: 1 } } })).executions,
    enabled: limited,
  });
  const blocker = ahead.data?.[0];
  const reasons: string[] = [];
  if (execution.status === 'NOT_STARTED' && !limited) reasons.push('Queued: waiting for a worker to start it.');
  if (execution.status === 'PAUSED') reasons.push(`Paused${execution.pausedBy ? ` by ${execution.pausedBy}` : ''}: resume it to go on.`);
  if (execution.status === 'RUNNING') {
    const byRef = new Map(execution.stages.map((stage) => [stage.refId, stage]));
    for (const stage of execution.stages) {
      const judgment = judgmentOf(stage);
      const freeze = isRecord(stage.outputs.freeze) ? stage.outputs.freeze : undefined;
      const window = executionWindowUntil(stage);
      if (judgment) reasons.push(`${stage.name} waits for a manual judgment${judgment.step ? ` (${judgment.step})` : ''}.`);
      else if (freeze?.status === 'waiting') reasons.push(`${stage.name} waits for a deploy freeze window to end${typeof freeze.message === 'string' ? `: ${freeze.message}` : ''}.`);
      else if (window) reasons.push(`${stage.name} waits for its execution window, which opens at ${formatTime(window)} (in ${formatDuration(Date.parse(window) - now)}); Skip wait starts it now.`);
      else if (stage.status === 'RUNNING' && stage.type === 'wait') {
        const total = Number(stage.context.waitTime);
        const left = stage.startTime && Number.isFinite(total) ? total * 1000 - (now - Date.parse(stage.startTime)) : undefined;
        reasons.push(`${stage.name} waits ${left === undefined ? '' : `${formatDuration(Math.max(0, left))} more `}(waitTime ${total} s).`);
      } else if (stage.status === 'RUNNING' && stage.type === 'canary' && runningTask(stage)) {
        reasons.push(canaryWait(stage, now));
      } else if (stage.status === 'NOT_STARTED') {
        const pending = stage.requisiteStageRefIds.map((ref) => byRef.get(ref)).filter((s): s is Stage => s !== undefined && !FINISHED.has(s.status));
        if (pending.length > 0 && pending.every((s) => s.status !== 'NOT_STARTED')) reasons.push(`${stage.name} waits for ${pending.map((s) => s.name).join(', ')}.`);
      }
    }
  }
  if (reasons.length === 0 && !limited) return null;
  return (
    <section className="waiting" aria-label="Why it is waiting">
      <ul>
        {limited && (
          <li>
            Queued: the pipeline has limitConcurrent and keepWaitingPipelines, so this execution starts when{' '}
            {blocker ? <Link to={`/applications/${execution.application}/executions/${blocker.id}`}>the running one ({formatTime(blocker.startTime ?? blocker.buildTime)})</Link> : 'the running one'} ends.
          </li>
        )}
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </section>
  );
}

function useCommand(execution: Execution) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (run: () => Promise<{ data?: unknown; error?: unknown; response: Response }>) => unwrap(await run()),
    onSettled: () => client.invalidateQueries({ queryKey: ['execution', execution.id] }),
  });
}

function ExecutionControls({ execution }: { execution: Execution }) {
  const denied = useDenied(execution.application, 'EXECUTE');
  const command = useCommand(execution);
  const path = { params: { path: { id: execution.id } } };
  const buttons: { label: string; run: () => Promise<{ data?: unknown; error?: unknown; response: Response }>; confirm?: string }[] = [];
  if (execution.status === 'RUNNING') buttons.push({ label: 'Pause', run: () => api.POST('/api/v1/executions/{id}/pause', path) });
  if (execution.status === 'PAUSED') buttons.push({ label: 'Resume', run: () => api.POST('/api/v1/executions/{id}/resume', path) });
  if (!FINISHED.has(execution.status)) {
    buttons.push({ label: 'Cancel', confirm: `Cancel ${execution.name}? Running stages stop.`, run: () => api.POST('/api/v1/executions/{id}/cancel', { ...path, body: {} }) });
  }
  return (
    <div className="controls" role="group" aria-label="Execution controls">
      {buttons.map((button) => (
        <button
          key={button.label}
          type="button"
          disabled={denied !== undefined || command.isPending}
          title={denied}
          onClick={() => {
            if (button.confirm && !window.confirm(button.confirm)) return;
            command.mutate(button.run);
          }}
        >
          {button.label}
        </button>
      ))}
      <ErrorNote error={command.error} />
    </div>
  );
}

function StagePanel({ execution, stage, now }: { execution: Execution; stage: Stage; now: number }) {
  const denied = useDenied(execution.application, 'EXECUTE');
  const command = useCommand(execution);
  const judgment = judgmentOf(stage);
  const stagePath = { params: { path: { id: execution.id, stageId: stage.id } } };
  const events = useQuery({
    queryKey: ['execution', execution.id, 'events'],
    queryFn: async () => unwrap(await api.GET('/api/v1/executions/{id}/events', { params: { path: { id: execution.id } } })).events,
  });
  const canRestart = FINISHED.has(stage.status) && stage.status !== 'SKIPPED' && (FINISHED.has(execution.status) || stage.status === 'TERMINAL');
  return (
    <section className="stage-panel" aria-labelledby="stage-title">
      <div className="toolbar">
        <h2 id="stage-title">
          {stage.name} <StatusBadge status={stage.status} />
        </h2>
        <span className="muted">
          {stage.type} · {formatDuration(durationMs(stage.startTime, stage.endTime, now))}
        </span>
        <span className="spacer" />
        {stage.status === 'RUNNING' && (stage.type === 'wait' || executionWindowUntil(stage) !== undefined) && (
          <button type="button" disabled={denied !== undefined} title={denied} onClick={() => command.mutate(() => api.POST('/api/v1/executions/{id}/stages/{stageId}/skip', stagePath))}>
            Skip wait
          </button>
        )}
        {canRestart && (
          <button
            type="button"
            disabled={denied !== undefined}
            title={denied}
            onClick={() => window.confirm(`Restart ${stage.name} and every stage after it?`) && command.mutate(() => api.POST('/api/v1/executions/{id}/stages/{stageId}/restart', stagePath))}
          >
            Restart stage
          </button>
        )}
      </div>
      <ErrorNote error={command.error} />
      {judgment && <JudgmentForm execution={execution} stage={stage} judgment={judgment} denied={denied} />}
      {stage.error && (
        <div className="error" role="alert">
          <h3>Error</h3>
          <pre>{typeof stage.error.message === 'string' ? stage.error.message : JSON.stringify(stage.error, null, 2)}</pre>
        </div>
      )}
      <CanaryReport results={stage.outputs.canaryResults} />
      <h3>Tasks</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {stage.tasks.map((task) => (
            <tr key={task.id}>
              <td>
                {task.name}
                {task.onFailure ? ' (on failure)' : ''}
              </td>
              <td>
                <StatusBadge status={task.status} />
              </td>
              <td>{formatDuration(durationMs(task.startTime, task.endTime, now))}</td>
              <td>{task.error ? text(task.error.message ?? task.error) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details open={Object.keys(stage.outputs).length > 0}>
        <summary>Outputs</summary>
        <pre>{JSON.stringify(stage.outputs, null, 2)}</pre>
      </details>
      <details>
        <summary>Context</summary>
        <pre>{JSON.stringify(stage.context, null, 2)}</pre>
      </details>
      <details>
        <summary>Audit events</summary>
        <ul className="events">
          {(events.data ?? [])
            .filter((event) => event.stageId === stage.id)
            .map((event) => (
              <li key={event.id}>
                <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time> {event.type}
                {event.actor ? ` by ${event.actor}` : ''} {Object.keys(event.data).length > 0 ? JSON.stringify(event.data) : ''}
              </li>
            ))}
        </ul>
      </details>
    </section>
  );
}

function JudgmentForm(props: { execution: Execution; stage: Stage; judgment: { instructions?: string; options: string[]; step?: string }; denied: string | undefined }) {
  const { execution, stage, judgment, denied } = props;
  const [input, setInput] = useState(judgment.options[0] ?? '');
  const command = useCommand(execution);
  const answer = (judgmentStatus: 'continue' | 'stop') =>
    command.mutate(() =>
      api.POST('/api/v1/executions/{id}/stages/{stageId}/judgment', {
        params: { path: { id: execution.id, stageId: stage.id } },
        body: { judgmentStatus, ...(judgment.options.length > 0 ? { judgmentInput: input } : {}) },
      }),
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    answer('continue');
  };
  return (
    <form className="judgment" aria-labelledby="judgment-title" onSubmit={submit}>
      <h3 id="judgment-title">Manual judgment{judgment.step ? ` (${judgment.step})` : ''}</h3>
      {judgment.instructions && <p className="instructions">{judgment.instructions}</p>}
      {judgment.options.length > 0 && (
        <fieldset>
          <legend>Your input</legend>
          {judgment.options.map((option) => (
            <label key={option} className="check">
              <input type="radio" name="judgmentInput" value={option} checked={input === option} onChange={() => setInput(option)} /> {option}
            </label>
          ))}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={denied !== undefined || command.isPending} title={denied}>
          Continue
        </button>
        <button type="button" className="danger" disabled={denied !== undefined || command.isPending} title={denied} onClick={() => answer('stop')}>
          Stop
        </button>
      </div>
      <ErrorNote error={command.error} />
    </form>
  );
}
