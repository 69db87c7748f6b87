import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap, type Pipeline } from '../api/client';
import { text } from '../api/status';
import { ErrorNote } from './Layout';

interface Parameter {
  name: string;
  label?: string;
  description?: string;
  required?: boolean;
  default?: unknown;
  hasOptions?: boolean;
  options?: { value: string | number | boolean }[];
}

/** Deep links pre-fill parameters with `p.<name>=<value>` in the URL. */
export const PREFILL_PREFIX = 'p.';

/** The start form, built from the pipeline's parameters: options as a choice, defaults filled, required marked. */
export function StartDialog({ app, pipeline, prefill, onClose }: { app: string; pipeline: Pipeline; prefill: URLSearchParams; onClose: () => void }) {
  const parameters = (Array.isArray(pipeline.definition.parameters) ? pipeline.definition.parameters : []) as Parameter[];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(parameters.map((p) => [p.name, prefill.get(`${PREFILL_PREFIX}${p.name}`) ?? text(p.default)])),
  );
  const dialog = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const client = useQueryClient();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const start = useMutation({
    mutationFn: async () => {
      const given = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
      return unwrap(await api.POST('/api/v1/pipelines/{id}/executions', { params: { path: { id: pipeline.id } }, body: { parameters: given } }));
    },
    onSuccess: async (execution) => {
      await client.invalidateQueries({ queryKey: ['executions'] });
      void navigate(`/applications/${app}/executions/${execution.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  const shareLink = `${window.location.origin}/applications/${app}/pipelines?start=${encodeURIComponent(pipeline.name)}${Object.entries(values)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `&${PREFILL_PREFIX}${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('')}`;
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby="start-title" className="start-dialog">
      <form onSubmit={submit}>
        <h2 id="start-title">Start {pipeline.name}</h2>
        {parameters.length === 0 && <p>This pipeline takes no parameters.</p>}
        {parameters.map((p) => {
          const id = `param-${p.name}`;
          const options = p.hasOptions !== false && p.options && p.options.length > 0 ? p.options.map((o) => String(o.value)) : undefined;
          const set = (value: string) => setValues((current) => ({ ...current, [p.name]: value }));
          return (
            <div className="field" key={p.name}>
              <label htmlFor={id}>
                {p.label ?? p.name}
                {p.required && <span aria-hidden="true"> *</span>}
              </label>
              {options ? (
                <select id={id} value={values[p.name] ?? ''} onChange={(e) => set(e.target.value)} required={p.required}>
                  {!p.required && <option value="">(none)</option>}
                  {p.required && (values[p.name] ?? '') === '' && <option value="">choose…</option>}
                  {options.map((option) => (
                    <option key={option} value={option}>
                      {option}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} value={values[p.name] ?? ''} onChange={(e) => set(e.target.value)} required={p.required} aria-describedby={p.description ? `${id}-help` : undefined} />
              )}
              {p.description && (
                <small id={`${id}-help`} className="muted">
                  {p.description}
                </small>
              )}
            </div>
          );
        })}
        <ErrorNote error={start.error} />
        <p className="muted small">
          Link to this form: <input readOnly value={shareLink} aria-label="Link to this form, pre-filled" onFocus={(e) => e.target.select()} />
        </p>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={start.isPending}>
            {start.isPending ? 'Starting…' : 'Start'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
