import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Capacity } from '@gantry/providers';
import { SAMPLE_METRICS, type AgentInfo, type CreateServerGroupBody, type KillInstancesBody, type SampleMetric, type SamplesAnswer } from '@gantry/providers/local/protocol';
import { AgentError } from './errors';
import type { LocalAgent } from './LocalAgent';

const MAX_BODY_BYTES = 1024 * 1024;
/** As Prometheus: more points than this in one answer is a mistake, not a query. */
const MAX_SAMPLE_STEPS = 11_000;

export interface AdminApiOptions {
  agent: LocalAgent;
  token: string;
  info: () => AgentInfo;
  /** Stops the agent (after answering): `POST /v1/shutdown {stopInstances}`. */
  shutdown: (stopInstances: boolean) => void;
  /** Test-only fault injection (`POST /v1/faults`); off unless the agent was started for tests. */
  faults: boolean;
}

interface Faults {
  throttleRate: number;
  throttled: number;
  /** Calls left to succeed before the next one fails once with a 503; null: none planned. */
  interruptAfter: number | null;
}

type Handler = (request: IncomingMessage, params: Record<string, string>, query: URLSearchParams) => Promise<unknown>;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Read-only endpoints for Prometheus and the canary judge need no token. */
  open?: boolean;
  /** Fault injection applies to the provider's calls, not to probes and test controls. */
  faultable?: boolean;
}

/**
 * The agent's admin HTTP API on 127.0.0.1 (agent/protocol.ts has the shapes). Every `/v1` call
 * except `/v1/health` needs `Authorization: Bearer <token>` from the agent file.
 */
export function createAdminServer(options: AdminApiOptions): Server {
  const { agent } = options;
  const faults: Faults = { throttleRate: 0, throttled: 0, interruptAfter: null };
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/v1\/health$/, handler: async () => options.info(), open: true },
    { method: 'GET', pattern: /^\/v1\/serverGroups$/, handler: async (_r, _p, query) => agent.list(query.get('cluster') ?? undefined), faultable: true },
    {
      method: 'GET',
      pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)$/,
      handler: async (_r, { name }) => agent.get(name!) ?? Promise.reject(new AgentError('NotFound', `server group ${name} does not exist`)),
      faultable: true,
    },
    {
      method: 'PUT',
      pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)$/,
      handler: async (request, { name }) => agent.create(name!, (await readJson(request)) as CreateServerGroupBody),
      faultable: true,
    },
    {
      method: 'POST',
      pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)\/resize$/,
      handler: async (request, { name }) => agent.resize(name!, ((await readJson(request)) as { capacity: Capacity }).capacity),
      faultable: true,
    },
    {
      method: 'POST',
      pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)\/kill$/,
      handler: async (request, { name }) => agent.killInstances(name!, ((await readJson(request)) as KillInstancesBody).instances),
      faultable: true,
    },
    { method: 'POST', pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)\/enable$/, handler: async (_r, { name }) => agent.setEnabled(name!, true), faultable: true },
    { method: 'POST', pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)\/disable$/, handler: async (_r, { name }) => agent.setEnabled(name!, false), faultable: true },
    {
      method: 'DELETE',
      pattern: /^\/v1\/serverGroups\/(?<name>[^/]+)$/,
      handler: async (_r, { name }) => {
        await agent.destroy(name!);
        return { destroyed: name };
      },
      faultable: true,
    },
    { method: 'GET', pattern: /^\/v1\/clusters\/(?<name>[^/]+)$/, handler: async (_r, { name }) => agent.cluster(name!), faultable: true },
    {
      method: 'PUT',
      pattern: /^\/v1\/clusters\/(?<name>[^/]+)\/weights$/,
      handler: async (request, { name }) => agent.setWeights(name!, ((await readJson(request)) as { weights: Record<string, number> }).weights),
      faultable: true,
    },
    {
      method: 'PUT',
      pattern: /^\/v1\/clusters\/(?<name>[^/]+)\/routing$/,
      handler: async (request, { name }) => agent.setRouting(name!, ((await readJson(request)) as { routing?: unknown }).routing),
      faultable: true,
    },
    {
      method: 'POST',
      pattern: /^\/v1\/shutdown$/,
      handler: async (request) => {
        const { stopInstances = false } = (await readJson(request)) as { stopInstances?: boolean };
        setImmediate(() => options.shutdown(stopInstances));
        return { shuttingDown: true, stopInstances };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/faults$/,
      handler: async (request) => {
        if (!options.faults) throw new AgentError('NotFound', 'fault injection is off (the agent was not started for tests)');
        const body = (await readJson(request)) as { throttleRate?: number; interruptAfter?: number | null; failInstances?: string[] };
        if (body.throttleRate !== undefined) faults.throttleRate = body.throttleRate;
        if (body.interruptAfter !== undefined) faults.interruptAfter = body.interruptAfter;
        for (const name of body.failInstances ?? []) agent.failingGroups.add(name);
        return { throttleRate: faults.throttleRate, interruptAfter: faults.interruptAfter, failInstances: [...agent.failingGroups] };
      },
    },
    { method: 'GET', pattern: /^\/samples$/, handler: async (_r, _p, query) => samples(agent, query), open: true },
  ];

  return createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://agent');
      if (request.method === 'GET' && url.pathname === '/metrics') {
        response.writeHead(200, { 'content-type': agent.metrics.registry.contentType });
        response.end(await agent.metrics.registry.metrics());
        return;
      }
      const match = routes
        .map((route) => ({ route, found: request.method === route.method ? route.pattern.exec(url.pathname) : null }))
        .find(({ found }) => found !== null);
      try {
        if (!match) throw new AgentError('NotFound', `no route ${request.method ?? ''} ${url.pathname}`);
        if (!match.route.open && !authorized(request, options.token)) {
          send(response, 401, { error: { code: 'Unauthorized', message: 'missing or wrong bearer token (see agent.json in the data dir)' } });
          return;
        }
        if (match.route.faultable) injectFault(faults);
        const params = Object.fromEntries(Object.entries(match.found?.groups ?? {}).map(([key, value]) => [key, decodeURIComponent(value)]));
        send(response, 200, await match.route.handler(request, params, url.searchParams));
      } catch (error) {
        if (error instanceof AgentError) {
          if (error.code === 'Throttled') response.setHeader('retry-after', '0');
          send(response, error.status, error.toBody());
        } else {
          send(response, 500, { error: { code: 'Internal', message: (error as Error).message } });
        }
      }
    })();
  });
}

function injectFault(faults: Faults): void {
  if (faults.throttleRate > 0) {
    const before = Math.floor(faults.throttled * faults.throttleRate);
    faults.throttled += 1;
    if (Math.floor(faults.throttled * faults.throttleRate) > before) throw new AgentError('Throttled', 'injected throttling');
  }
  if (faults.interruptAfter === null) return;
  if (faults.interruptAfter > 0) {
    faults.interruptAfter -= 1;
    return;
  }
  faults.interruptAfter = null;
  throw new AgentError('Unavailable', 'injected interruption');
}

function samples(agent: LocalAgent, query: URLSearchParams): SamplesAnswer {
  const serverGroup = query.get('serverGroup') ?? '';
  const metric = query.get('metric') ?? '';
  const start = Number(query.get('start'));
  const end = Number(query.get('end'));
  const stepMs = Number(query.get('stepMs'));
  if (serverGroup === '') throw new AgentError('BadRequest', 'serverGroup is required');
  if (!(SAMPLE_METRICS as readonly string[]).includes(metric)) throw new AgentError('BadRequest', `metric must be one of ${SAMPLE_METRICS.join(', ')}`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) throw new AgentError('BadRequest', 'start and end must be epoch milliseconds with start < end');
  if (!Number.isFinite(stepMs) || stepMs <= 0) throw new AgentError('BadRequest', 'stepMs must be a positive number of milliseconds');
  if ((end - start) / stepMs > MAX_SAMPLE_STEPS) throw new AgentError('BadRequest', `at most ${MAX_SAMPLE_STEPS} steps per query; raise stepMs`);
  const values = agent.metrics.series(serverGroup, metric as SampleMetric, start, end, stepMs);
  return { serverGroup, metric: metric as SampleMetric, stepMs, values };
}

function authorized(request: IncomingMessage, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AgentError('BadRequest', 'body too large');
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AgentError('BadRequest', 'body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
