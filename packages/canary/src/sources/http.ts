import type { z } from 'zod';
import { MetricSourceError } from './MetricSource';

export interface HttpDeps {
  fetch: typeof fetch;
}

/** The URL without its query string, which may be long and holds nothing that explains a failure. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function causeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * GET a JSON document of the shape `answer`; every failure becomes a MetricSourceError that says
 * which source, which URL and what went wrong. `explain` turns an error body into words (each API
 * has its own shape); `expected` describes the wanted answer when another one came.
 */
export async function getJson<T>(
  deps: HttpDeps,
  source: string,
  url: URL,
  options: { headers?: Record<string, string>; timeoutMs: number; explain(body: unknown): string | undefined; answer: z.ZodType<T>; expected: string },
): Promise<T> {
  let response: Response;
  try {
    response = await deps.fetch(url, { headers: { accept: 'application/json', ...options.headers }, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    throw new MetricSourceError(`${source} ${shown(url)}: cannot connect: ${causeOf(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // Stage errors are shown to everyone who can read the execution, and the URL is pipeline input:
  // an answer's own text is never echoed (it could be an internal page the URL was aimed at), only
  // its shape, and an error message the source's API defines (`explain`).
  const shape = `${response.headers.get('content-type') ?? 'no content type'}, ${Buffer.byteLength(text)} bytes`;
  if (!response.ok) {
    const reason = options.explain(body) ?? `${response.statusText || 'error'} (${shape})`;
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 429;
    throw new MetricSourceError(`${source} ${shown(url)}: HTTP ${response.status}: ${reason}`, permanent);
  }
  if (body === undefined) throw new MetricSourceError(`${source} ${shown(url)}: the answer is not JSON (${shape})`);
  const parsed = options.answer.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new MetricSourceError(`${source} ${shown(url)}: unexpected answer (${options.expected})${where === '' ? '' : ` at ${where}`} (${shape})`);
  }
  return parsed.data;
}
