import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, unwrap, type Pipeline } from '../api/client';
import { jsonLines, lineDiff, lineOf, orderedLike } from '../api/jsonLines';
import { text as asText } from '../api/status';
import { useDenied } from '../auth';
import { Dag } from '../components/Dag';
import { DeniedNote, ErrorNote } from '../components/Layout';

interface Issue {
  line: number;
  path: string;
  message: string;
}

const STARTER = (app: string) =>
  JSON.stringify(
    { application: app === 'new' ? 'myapp' : app, name: 'release', parameters: [{ name: 'version', required: true }], stages: [{ refId: 'wait', type: 'wait', waitTime: 5 }] },
    null,
    2,
  );

/** The pipeline's JSON, checked by the API (POST /pipelines/validate) as you type, saved with optimistic locking. */
export function EditorPage() {
  const { app = '', pipelineId } = useParams();
  const client = useQueryClient();
  const navigate = useNavigate();
  const loaded = useQuery({
    queryKey: ['pipeline', pipelineId],
    queryFn: async () => unwrap(await api.GET('/api/v1/pipelines/{id}', { params: { path: { id: pipelineId ?? '' } } })),
    enabled: pipelineId !== undefined,
    staleTime: Infinity,
  });
  const [base, setBase] = useState<Pipeline | undefined>();
  const [text, setText] = useState(pipelineId === undefined ? STARTER(app) : '');
  const [issues, setIssues] = useState<Issue[]>([]);
  const [notes, setNotes] = useState<Issue[]>([]);
  const [checking, setChecking] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [conflict, setConflict] = useState(false);
  const editor = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (loaded.data && base?.id !== loaded.data.id) {
      setBase(loaded.data);
      setText(JSON.stringify(loaded.data.definition, null, 2));
    }
  }, [loaded.data, base]);

  const parsed = useMemo(() => {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message)?.[1];
      const line = position === undefined ? 1 : text.slice(0, Number(position)).split('\n').length;
      return { error: { line, path: '', message: `not JSON: ${message}` } };
    }
  }, [text]);

  const definition = parsed.value as { application?: string; stages?: unknown } | undefined;
  const application = typeof definition?.application === 'string' ? definition.application : app;
  const denied = useDenied(application, 'WRITE');

  // Validation as you type: the API's report on the document (what a save would refuse, with paths;
  // what it would store without effect), a moment after the last keystroke. Checking asks for the
  // right to save (WRITE): a reader sees the JSON, its graph and its history unchecked.
  useEffect(() => {
    if (parsed.error) {
      setIssues([parsed.error]);
      setNotes([]);
      return;
    }
    if (denied !== undefined) {
      setIssues([]);
      setNotes([]);
      return;
    }
    const abort = new AbortController();
    setChecking(true);
    const timer = setTimeout(() => {
      const lines = jsonLines(text);
      const at = (finding: { path: (string | number)[]; message: string }): Issue => ({
        line: lineOf(lines, finding.path),
        path: finding.path.join('.'),
        message: finding.message,
      });
      void api
        .POST('/api/v1/pipelines/validate', { body: parsed.value as never, signal: abort.signal })
        .then((result) => {
          const report = unwrap(result);
          setIssues(report.unsupported.map(at));
          setNotes(report.ignored.map(at));
        })
        .catch((error: unknown) => {
          if (abort.signal.aborted) return;
          setNotes([]);
          if (error instanceof ApiError && error.issues.length > 0) setIssues(error.issues.map(at));
          else setIssues([{ line: 1, path: '', message: error instanceof Error ? error.message : String(error) }]);
        })
        .finally(() => !abort.signal.aborted && setChecking(false));
    }, 350);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [parsed, text, denied]);

  const lineCount = text.split('\n').length;
  const flaggedLines = new Set(issues.map((issue) => issue.line));
  const flaggedStages = new Set(issues.map((issue) => /^stages\.(\d+)/.exec(issue.path)?.[1]).filter((index) => index !== undefined).map(Number));
  const stages = Array.isArray(definition?.stages) ? (definition.stages as Record<string, unknown>[]) : [];

  const save = async () => {
    setSaveError(undefined);
    setSaved(undefined);
    setConflict(false);
    try {
      const body = parsed.value as never;
      const pipeline = base
        ? unwrap(await api.PUT('/api/v1/pipelines/{id}', { params: { path: { id: base.id }, query: { expectedVersion: base.version } }, body }))
        : unwrap(await api.POST('/api/v1/pipelines', { body }));
      setBase(pipeline);
      setSaved(`Saved version ${pipeline.version}.`);
      client.setQueryData(['pipeline', pipeline.id], pipeline);
      await client.invalidateQueries({ queryKey: ['pipelines'] });
      await client.invalidateQueries({ queryKey: ['versions', pipeline.id] });
      if (!pipelineId) void navigate(`/applications/${pipeline.application}/pipelines/${pipeline.id}/edit`, { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && base) setConflict(true);
      if (error instanceof ApiError && error.issues.length > 0) {
        const lines = jsonLines(text);
        setIssues(error.issues.map((issue) => ({ line: lineOf(lines, issue.path), path: issue.path.join('.'), message: issue.message })));
      }
      setSaveError(error);
    }
  };
  const reloadLatest = async () => {
    const latest = unwrap(await api.GET('/api/v1/pipelines/{id}', { params: { path: { id: base?.id ?? '' } } }));
    setBase(latest);
    setText(JSON.stringify(latest.definition, null, 2));
    setConflict(false);
    setSaveError(undefined);
  };
  const goToLine = (line: number) => {
    const element = editor.current;
    if (!element) return;
    const start = text.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    element.focus();
    element.setSelectionRange(start, start + (text.split('\n')[line - 1]?.length ?? 0));
  };

  if (pipelineId && loaded.error) return <ErrorNote error={loaded.error} />;
  return (
    <section aria-labelledby="editor-title" className="editor-page">
      <div className="toolbar">
        <h1 id="editor-title">{base ? `Edit ${base.name}` : 'New pipeline'}</h1>
        {base && <span className="muted">version {base.version}</span>}
        <span className="spacer" />
        <Link to={`/applications/${application}/pipelines`}>Back to pipelines</Link>
        <button type="button" className="primary" onClick={() => void save()} disabled={denied !== undefined || parsed.error !== undefined} title={denied}>
          Save
        </button>
      </div>
      <DeniedNote reason={denied} />
      {saved && (
        <p className="ok" role="status">
          {saved}
        </p>
      )}
      <ErrorNote error={saveError} />
      {conflict && (
        <p>
          Someone saved a newer version while you edited. <button type="button" onClick={() => void reloadLatest()}>Load the latest version</button> (your changes are
          discarded), or compare in the history below.
        </p>
      )}
      <div className="editor-grid">
        <div className="code">
          <div className="gutter" ref={gutter} aria-hidden="true">
            {Array.from({ length: lineCount }, (_, index) => (
              <div key={index} className={flaggedLines.has(index + 1) ? 'flagged' : undefined}>
                {index + 1}
              </div>
            ))}
          </div>
          <textarea
            ref={editor}
            aria-label="Pipeline definition (JSON)"
            aria-invalid={issues.length > 0}
            aria-describedby="issues"
            spellCheck={false}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onScroll={(event) => gutter.current && (gutter.current.scrollTop = event.currentTarget.scrollTop)}
            rows={Math.max(20, Math.min(lineCount + 2, 40))}
          />
        </div>
        <div className="side">
          <div id="issues" aria-live="polite">
            {issues.length === 0 ? (
              <p className={denied === undefined ? 'ok' : 'muted'}>{denied !== undefined ? 'Not checked: checking is for who may save.' : checking ? 'Checking…' : 'Valid.'}</p>
            ) : (
              <ul className="issues" aria-label="Problems">
                {issues.map((issue) => (
                  <li key={`${issue.path}:${issue.message}`} className="issue" data-path={issue.path}>
                    <button type="button" className="link" onClick={() => goToLine(issue.line)}>
                      line {issue.line}
                    </button>{' '}
                    <code>{issue.path || '(document)'}</code>: {issue.message}
                  </li>
                ))}
              </ul>
            )}
            {notes.length > 0 && (
              <ul className="notes" aria-label="Stored without effect">
                {notes.map((note) => (
                  <li key={`${note.path}:${note.message}`}>
                    <button type="button" className="link" onClick={() => goToLine(note.line)}>
                      line {note.line}
                    </button>{' '}
                    <code>{note.path}</code>: {note.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <h2>Preview</h2>
          <Dag
            label="Preview of the stages"
            nodes={stages.map((stage, index) => ({
              id: asText(stage.refId ?? index),
              label: asText(stage.name ?? stage.refId ?? `stage ${index}`),
              detail: asText(stage.type),
              flagged: flaggedStages.has(index),
              requisites: Array.isArray(stage.requisiteStageRefIds) ? stage.requisiteStageRefIds.map(String) : [],
            }))}
          />
        </div>
      </div>
      {base && <History pipeline={base} current={text} onRestore={(definition) => setText(definition)} />}
    </section>
  );
}

function History({ pipeline, current, onRestore }: { pipeline: Pipeline; current: string; onRestore: (text: string) => void }) {
  const versions = useQuery({
    queryKey: ['versions', pipeline.id],
    queryFn: async () => unwrap(await api.GET('/api/v1/pipelines/{id}/versions', { params: { path: { id: pipeline.id } } })).versions,
  });
  const [chosen, setChosen] = useState<number>();
  const version = versions.data?.find((v) => v.version === chosen);
  const text = version ? JSON.stringify(version.definition, null, 2) : undefined;
  // Compared in the editor's key order and layout when its text parses, so only real changes show.
  const editing = (() => {
    try {
      return JSON.parse(current) as unknown;
    } catch {
      return undefined;
    }
  })();
  const before = version && editing !== undefined ? JSON.stringify(orderedLike(version.definition, editing), null, 2) : text;
  const after = editing !== undefined ? JSON.stringify(editing, null, 2) : current;
  return (
    <section aria-labelledby="history-title" className="history">
      <h2 id="history-title">History</h2>
      <ErrorNote error={versions.error} />
      <ol className="versions">
        {(versions.data ?? []).map((v) => (
          <li key={v.version}>
            <button type="button" aria-pressed={v.version === chosen} onClick={() => setChosen(v.version)}>
              v{v.version}
            </button>{' '}
            {new Date(v.createdAt).toLocaleString()} {v.createdBy ? `by ${v.createdBy}` : ''}
          </li>
        ))}
      </ol>
      {version && text !== undefined && (
        <>
          <p>
            Changes from v{version.version} to the editor’s text.{' '}
            <button type="button" onClick={() => onRestore(text)}>
              Restore v{version.version} into the editor
            </button>
          </p>
          <pre className="diff" aria-label={`Differences between version ${version.version} and the editor`}>
            {lineDiff(before ?? text, after).map((line, index) => (
              <div key={index} className={line.kind === '+' ? 'added' : line.kind === '-' ? 'removed' : undefined}>
                {line.kind} {line.text}
              </div>
            ))}
          </pre>
        </>
      )}
    </section>
  );
}
