import { z } from 'zod';
import { CliError, EXIT } from './errors';

const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const DEFAULT_URL = 'http://127.0.0.1:8084';

/** Gantry's REST API under `/api/v1`; failures become one-line CliErrors. */
export class GantryClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly fetchFn: typeof fetch,
    private readonly headers: Record<string, string> = {},
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--url: not a URL: ${url}`, EXIT.BAD_INPUT);
    }
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  }

  async request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    const answer = await this.tryRequest(method, path, body);
    if (!answer.ok) throw new CliError(answer.refusal, EXIT.FAILED);
    return answer.json;
  }

  /** Like `request`, but a refusal (any non-2xx) is returned with its status and one-line reason instead of thrown. */
  async tryRequest(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<{ ok: true; json: unknown } | { ok: false; status: number; refusal: string }> {
    const url = `${this.base}/api/v1${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...this.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
      throw new CliError(`cannot reach Gantry at ${this.base}: ${cause ?? (error instanceof Error ? error.message : String(error))}`, EXIT.FAILED);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const apiError = apiErrorSchema.safeParse(json);
      const reason = apiError.success ? `${apiError.data.error.code}: ${apiError.data.error.message}` : text.trim().slice(0, 200) || response.statusText;
      return { ok: false, status: response.status, refusal: `${method} ${path}: HTTP ${response.status} ${reason.replace(/\s*\n\s*/g, ' ')}` };
    }
    if (json === undefined) throw new CliError(`${method} ${path}: the answer is not JSON: ${text.trim().slice(0, 200)}`, EXIT.FAILED);
    return { ok: true, json };
  }
}
