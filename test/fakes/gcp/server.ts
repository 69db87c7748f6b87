/**
 * The fake Compute Engine API: node:http on 127.0.0.1 speaking the REST/JSON wire format of
 * `compute/v1` for what Gantry's GCP provider uses, a resource store, operations, simulated
 * managed-instance-group and zonal-instance controllers, and controls for tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, readBody, RequestLog } from '../httpServer';
import { isObject, type JsonObject } from '../kubernetes/json';
import type { ApiRequest, FakeContext } from './api';
import { InstanceController, type InstanceFailurePredicate } from './controller';
import { badRequest, GcpError } from './errors';
import { FaultInjector, type FaultSpec } from './faults';
import { GLOBAL } from './links';
import { OperationBook } from './operations';
import { groupView, managedInstances } from './resources/instanceGroupManagers';
import { routeUrlMap, type UrlMapRequest } from './resources/urlMaps';
import { route } from './router';
import { ResourceStore } from './store';
import { ZonalInstanceController, type BuilderFailurePredicate } from './zonalInstances';

export interface FakeGcpOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** The one project the fake serves; `gantry-test` by default. */
  project?: string;
  /** How long a new instance takes from PROVISIONING to RUNNING (and a builder's script to run); 100 ms by default. */
  readyDelayMs?: number;
  /** How long an operation takes at least from PENDING to DONE; 20 ms by default. */
  operationDelayMs?: number;
  /** How long `…/operations/NAME/wait` blocks at most before answering with the status then; 2000 ms by default. */
  waitTimeoutMs?: number;
}

export interface RequestRecord {
  method: string;
  /** Path with the query string. */
  path: string;
  /** The request body as sent (`""` for calls without one). */
  body: string;
}

export interface FakeGcp {
  url: string;
  port: number;
  /** What to pass as the client's `apiEndpoint` (with `port`, `protocol: 'http'`). */
  apiEndpoint: '127.0.0.1';
  project: string;
  close(): Promise<void>;
  /** Applies to instances not yet running as well as new ones. */
  setReadyDelay(ms: number): void;
  setOperationDelay(ms: number): void;
  /**
   * Instances of matching groups stay RUNNING with currentAction VERIFYING and UNHEALTHY in
   * backend health; `null` clears it and they become healthy. Healthy instances stay healthy.
   */
  failInstances(predicate: InstanceFailurePredicate | null): void;
  /**
   * Zonal instances that match have their startup script fail before it powers the machine off:
   * they stay RUNNING. `null` lets the others power off; one whose script failed stays RUNNING.
   */
  failBuilders(predicate: BuilderFailurePredicate | null): void;
  /** This share (0..1) of requests answers 429 rateLimitExceeded (until clearFaults). */
  setThrottleRate(rate: number): void;
  /** After `calls` more requests, the next one fails once with a 503 backendError. */
  interruptAfter(calls: number): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Every request so far (the last 1000). */
  requests(): RequestRecord[];
  /** Copies of what the fake holds, as the API would answer for them. */
  instanceTemplates(): JsonObject[];
  images(): JsonObject[];
  healthChecks(): JsonObject[];
  /** Global backend services, or a region's. */
  backendServices(region?: string): JsonObject[];
  /** Global URL maps, or a region's. */
  urlMaps(region?: string): JsonObject[];
  /** The backend services (and weights) URL map `name` sends a request to, and the route rule's priority if one matched. */
  routeUrlMap(name: string, request: UrlMapRequest, region?: string): { priority?: number; services: { service: string; weight: number }[] };
  instanceGroupManagers(region: string): JsonObject[];
  /** As `listManagedInstances` answers them (instances being deleted included); [] for an unknown group. */
  managedInstances(region: string, instanceGroupManager: string): JsonObject[];
  /** Instances inserted through `zones/Z/instances` (not managed groups'), of every zone or one. */
  instances(zone?: string): JsonObject[];
  /** Disks (instances' boot disks), of every zone or one. */
  disks(zone?: string): JsonObject[];
  /** Every operation, global, regional and zonal. */
  operations(): JsonObject[];
}


/** The JSON object body, or undefined for none: the client library sends `""` for calls without one. */
function parseBody(text: string): JsonObject | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Invalid JSON payload received. ${(error as Error).message}`);
  }
  if (parsed === '') return undefined;
  if (!isObject(parsed)) throw badRequest('Invalid JSON payload received. The request body must be a JSON object.');
  return parsed;
}

function send(res: ServerResponse, status: number, body: JsonObject | undefined): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakeGcp(options: FakeGcpOptions = {}): Promise<FakeGcp> {
  const project = options.project ?? 'gantry-test';
  const store = new ResourceStore();
  const controller = new InstanceController(project, store, options.readyDelayMs ?? 100);
  const zonalInstances = new ZonalInstanceController(store, options.readyDelayMs ?? 100);
  const operations = new OperationBook(project, store, options.operationDelayMs ?? 20, () => {
    controller.reconcile();
    zonalInstances.reconcile();
  });
  const faults = new FaultInjector();
  const log = new RequestLog<RequestRecord>();
  let closed = false;
  const context: FakeContext = {
    project,
    store,
    operations,
    controller,
    zonalInstances,
    waitTimeoutMs: options.waitTimeoutMs ?? 2000,
    isClosed: () => closed,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    try {
      const text = (await readBody(req)).toString('utf8');
      log.add({ method, path: `${url.pathname}${url.search}`, body: text });
      const fault = faults.take({ method, path: url.pathname });
      if (fault) throw fault;
      const target = route(method, url.pathname, project);
      operations.advance();
      // A retried mutation with the same requestId gets the first call's operation, not a second effect.
      const replayed = method !== 'GET' && target.collection !== 'operations' ? operations.replay(url.searchParams.get('requestId')) : undefined;
      if (replayed) {
        send(res, 200, replayed);
        return;
      }
      const request: ApiRequest = { method, ...target, query: url.searchParams, body: parseBody(text) };
      const response = await target.handler(context, request);
      send(res, response.status, response.body);
    } catch (error) {
      const gcpError = error instanceof GcpError ? error : new GcpError(500, 'internalError', `Internal error: ${(error as Error).message}`);
      send(res, gcpError.code, gcpError.toJson());
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const port = await listenLocal(server, options.port ?? 0);

  const look = (): void => operations.advance();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiEndpoint: '127.0.0.1',
    project,
    close: () => {
      // Operation waits in progress see this and answer at once.
      closed = true;
      return closeServer(server);
    },
    setReadyDelay: (ms) => {
      controller.setReadyDelay(ms);
      zonalInstances.setReadyDelay(ms);
    },
    setOperationDelay: (ms) => operations.setDelay(ms),
    failInstances: (predicate) => controller.failInstances(predicate),
    failBuilders: (predicate) => zonalInstances.failBuilders(predicate),
    setThrottleRate: (rate) => faults.setThrottleRate(rate),
    interruptAfter: (calls) => faults.interruptAfter(calls),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    requests: () => log.copies(),
    instanceTemplates: () => (look(), store.list('instanceTemplates', GLOBAL)),
    images: () => (look(), store.list('images', GLOBAL)),
    healthChecks: () => (look(), store.list('healthChecks', GLOBAL)),
    backendServices: (region) => (look(), store.list('backendServices', region === undefined ? GLOBAL : { kind: 'region', region })),
    urlMaps: (region) => (look(), store.list('urlMaps', region === undefined ? GLOBAL : { kind: 'region', region })),
    routeUrlMap: (name, request, region) => {
      const map = store.get('urlMaps', region === undefined ? GLOBAL : { kind: 'region', region }, name);
      if (map === undefined) throw new Error(`no URL map ${name}`);
      return routeUrlMap(map, request);
    },
    instanceGroupManagers: (region) => {
      look();
      return store.list('instanceGroupManagers', { kind: 'region', region }).map((group) => groupView(context, group));
    },
    managedInstances: (region, instanceGroupManager) => {
      look();
      const group = store.get('instanceGroupManagers', { kind: 'region', region }, instanceGroupManager);
      return group ? managedInstances(context, region, group) : [];
    },
    instances: (zone) => (look(), store.list('instances', zone === undefined ? undefined : { kind: 'zone', zone })),
    disks: (zone) => (look(), store.list('disks', zone === undefined ? undefined : { kind: 'zone', zone })),
    operations: () => operations.all(),
  };
}
