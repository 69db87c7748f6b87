import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthStore } from '@gantry/store';
import { register } from 'prom-client';
import type { ReadinessCheck } from './infrastructure';
import { checkReadiness, isReady } from './readiness';
import { StartupError } from './startupError';

export interface HealthServerOptions {
  host: string;
  port: number;
  readiness: () => Promise<ReadinessCheck[]>;
  /**
   * Who may read /metrics: `off` (authentication off, loopback only), or a live API token (the
   * same tokens the API's /metrics takes). OIDC JWTs are not accepted here: a worker holds no
   * OIDC settings, and Prometheus scrapes with a static token anyway.
   */
  metricsAuth: 'off' | { tokens: Pick<AuthStore, 'useToken'> };
  readinessTimeoutMs?: number;
}

export interface HealthServer {
  /** The port it listens on (the chosen one when GANTRY_METRICS_PORT=0). */
  port: number;
  close(): Promise<void>;
}

/** Seconds a scraper or orchestrator waits before asking a not-ready worker again. */
const NOT_READY_RETRY_AFTER_SECONDS = 5;

/**
 * A worker's probes and metrics on GANTRY_METRICS_PORT: /healthz (alive: answers from the event
 * loop, which no pipeline can block since expressions run in a sandbox thread), /readyz (PostgreSQL
 * and the queue answer) and /metrics (Prometheus, behind a bearer token like the API's). Plain
 * node:http: a worker serves no API, so it carries no web framework for three fixed paths.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    void answer(request, response, options).catch((error: unknown) => {
      send(response, 500, { error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } });
    });
  });
  await listenOrExplain(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method ?? ''} is not served here: GET /healthz, /readyz or /metrics` } });
    return;
  }
  if (path === '/healthz') {
    send(response, 200, { status: 'ok' });
  } else if (path === '/readyz') {
    const checks = await checkReadiness(options.readiness, options.readinessTimeoutMs);
    const ready = isReady(checks);
    if (!ready) response.setHeader('retry-after', String(NOT_READY_RETRY_AFTER_SECONDS));
    send(response, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks });
  } else if (path === '/metrics') {
    const refusal = await metricsRefusal(request, options.metricsAuth);
    if (refusal !== undefined) {
      send(response, 401, { error: { code: 'UNAUTHORIZED', message: refusal } });
      return;
    }
    response.writeHead(200, { 'content-type': register.contentType });
    response.end(await register.metrics());
  } else {
    send(response, 404, { error: { code: 'NOT_FOUND', message: `no ${path} here: a worker serves /healthz, /readyz and /metrics` } });
  }
}

/** Why a /metrics request is refused (the message of the 401), or undefined when it may read. */
async function metricsRefusal(request: IncomingMessage, auth: HealthServerOptions['metricsAuth']): Promise<string | undefined> {
  if (auth === 'off') return undefined;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) return 'authentication required: send Authorization: Bearer <API token>';
  return (await auth.tokens.useToken(token)) === undefined ? 'the API token is unknown, revoked or expired' : undefined;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A port already taken is the operator's to fix: one line naming the setting. */
async function listenOrExplain(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartupError(`GANTRY_METRICS_PORT=${port} is already in use on ${host}`));
      else if (error.code === 'EACCES') reject(new StartupError(`GANTRY_METRICS_PORT=${port}: not allowed to listen on it (privileged port?)`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}
