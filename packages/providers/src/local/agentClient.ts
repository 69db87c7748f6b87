import { ProviderError, nullIfNotFound, transientNetworkCode, type ProviderErrorKind, type ProviderResource } from '../errors';
import { isAlive } from './processes';
import type { AgentErrorBody, AgentFile } from './protocol';
import { ensureAgent, type AgentStartOptions } from './agentProcess';

/** What a call is about, for the error message if it fails. */
export interface Scope {
  operation: string;
  resource?: ProviderResource;
}

export interface AgentClientOptions extends AgentStartOptions {
  /** Per admin call (default 30 s; a destroy drains for up to 10 s and stops for up to 10 s). */
  requestTimeoutMs?: number;
}

const KIND_BY_STATUS: Record<number, ProviderErrorKind> = { 400: 'Fatal', 401: 'Fatal', 404: 'NotFound', 409: 'Conflict', 429: 'Throttled' };

/**
 * The provider's side of the agent's admin API: finds (or starts) the agent of the data dir, and
 * turns its answers into ProviderErrors. When the agent is gone (killed, machine restarted), the
 * call starts a new one, which re-adopts the running instances, and is sent once more.
 */
export class AgentClient {
  private agent: Promise<AgentFile> | undefined;

  constructor(
    readonly dataDir: string,
    private readonly account: string,
    private readonly options: AgentClientOptions = {},
  ) {}

  /** The live agent (started if needed). */
  connect(): Promise<AgentFile> {
    this.agent ??= ensureAgent(this.dataDir, this.options).catch((error: unknown) => {
      this.agent = undefined;
      throw error;
    });
    return this.agent;
  }

  /** The agent's base URL, e.g. for `/metrics` and `/samples`. */
  async baseUrl(): Promise<string> {
    return `http://127.0.0.1:${(await this.connect()).port}`;
  }

  async call<T>(scope: Scope, method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.send(method, path, body);
    } catch (error) {
      if (!isConnectionError(error)) throw this.error('Transient', scope, `the local agent did not answer: ${(error as Error).message}`, undefined, error);
      // The agent died: start a new one (it re-adopts the instances) and send the call again.
      this.agent = undefined;
      try {
        response = await this.send(method, path, body);
      } catch (again) {
        throw this.error('Transient', scope, `the local agent of ${this.dataDir} is not reachable: ${(again as Error).message}`, undefined, again);
      }
    }
    if (response.status === 401) {
      // Another Gantry process restarted the agent meanwhile: read its new token and try again.
      this.agent = undefined;
      response = await this.send(method, path, body);
    }
    const text = await response.text();
    if (response.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
    const reason = errorMessage(text) ?? `HTTP ${response.status}`;
    const kind = KIND_BY_STATUS[response.status] ?? (response.status >= 500 ? 'Transient' : 'Fatal');
    const retryAfter = Number(response.headers.get('retry-after'));
    throw this.error(kind, scope, reason, response.status, undefined, kind === 'Throttled' && Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  }

  /** Not-found is an answer here, not an error. */
  find<T>(scope: Scope, method: string, path: string): Promise<T | null> {
    return nullIfNotFound(this.call<T>(scope, method, path));
  }

  error(kind: ProviderErrorKind, scope: Scope, reason: string, status?: number, cause?: unknown, retryAfterMs?: number): ProviderError {
    return new ProviderError({
      kind,
      provider: 'local',
      operation: scope.operation,
      account: this.account,
      reason,
      ...(scope.resource ? { resource: scope.resource } : {}),
      ...(status === undefined ? {} : { status }),
      ...(cause === undefined ? {} : { cause }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  private async send(method: string, path: string, body: unknown): Promise<Response> {
    let agent = await this.connect();
    // A dead agent's port may be someone else's by now: never send it our calls.
    if (!isAlive(agent.pid)) {
      this.agent = undefined;
      agent = await this.connect();
    }
    return fetch(`http://127.0.0.1:${agent.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${agent.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
    });
  }
}

/** The connection failures that mean the agent is gone (not merely slow). */
const AGENT_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']);

function isConnectionError(error: unknown): boolean {
  return AGENT_GONE.has(transientNetworkCode(error) ?? '');
}

function errorMessage(text: string): string | undefined {
  try {
    return (JSON.parse(text) as AgentErrorBody).error.message;
  } catch {
    return text === '' ? undefined : text.slice(0, 500);
  }
}
