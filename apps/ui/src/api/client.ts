import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Execution = components['schemas']['Execution'];
export type ExecutionSummary = components['schemas']['ExecutionSummary'];
export type Stage = components['schemas']['Stage'];
export type Task = components['schemas']['Task'];
export type Pipeline = components['schemas']['Pipeline'];
export type PipelineVersion = components['schemas']['PipelineVersion'];
export type AuditEvent = components['schemas']['AuditEvent'];
export type Status = Execution['status'];
export type Me = paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];

const TOKEN_KEY = 'gantry.token';

/** The API token pasted at sign-in lives for this tab only (sessionStorage), sent as a bearer token. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A browser signed in through OIDC holds a session cookie instead; its writes echo the CSRF cookie. */
function csrfToken(): string | undefined {
  return document.cookie
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === 'gantry_csrf')?.[1];
}

export function authHeaders(): Record<string, string> {
  const token = session.token();
  const csrf = csrfToken();
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) };
}

const credentials: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(authHeaders())) request.headers.set(name, value);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(credentials);

export interface ValidationIssue {
  path: (string | number)[];
  pathString?: string;
  message: string;
}

/** An answer other than 2xx, in the API's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  get issues(): ValidationIssue[] {
    const issues = (this.details as { issues?: ValidationIssue[] } | undefined)?.issues;
    return Array.isArray(issues) ? issues : [];
  }
}

/** The data of an openapi-fetch answer, or an ApiError carrying the API's code, message and details. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = (result.error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
    throw new ApiError(
      result.response.status,
      body.error?.code ?? 'HTTP',
      body.error?.message ?? `HTTP ${result.response.status}`,
      body.error?.details,
    );
  }
  return result.data as T;
}
