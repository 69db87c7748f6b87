/**
 * The fake Kubernetes API server: node:http on 127.0.0.1, the Kubernetes REST wire format, a
 * store, a simulated Deployment controller, and controls for tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { closeServer, listenLocal, readBody, RequestLog } from '../httpServer';
import { authorize, type FakeToken } from './authn';
import { DeploymentController, type ReadinessPredicate } from './controller/index';
import { JobController } from './controller/jobs';
import { FaultInjector, type FaultSpec } from './faults';
import { handleResource } from './handlers';
import { arrayAt, isObject, type JsonObject } from './json';
import type { ResourceRequest } from './request';
import { resourceByName, syncCustomResources, type FakeResourceName } from './resources';
import { route } from './router';
import { handleScale } from './scale';
import { badRequest, KubeError, notFound } from './status';
import { toTable, wantsTable } from './table';
import { ObjectStore, nameOf, namespaceOf, type KubeObject } from './store';
import { admit } from './writes';

export interface FakeKubernetesOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** How long a new pod takes to become ready; 50 ms by default. */
  readyDelayMs?: number;
  /** Bearer tokens it accepts (authn.ts); absent: no authentication, every request is let through. */
  tokens?: Record<string, FakeToken>;
  /** Serve HTTPS with this key and certificate (PEM), as an API server does; absent: plain HTTP. */
  tls?: { key: string; cert: string };
}

export interface RequestRecord {
  method: string;
  /** Path with the query string. */
  path: string;
  contentType: string;
}

/** Read-only views of what the fake stores (copies: changing them changes nothing). */
export interface FakeKubernetesState {
  /** `namespace` defaults to `default` and is ignored for namespaces. */
  get(resource: FakeResourceName, name: string, namespace?: string): KubeObject | undefined;
  /** All namespaces when `namespace` is absent. */
  list(resource: FakeResourceName, namespace?: string): KubeObject[];
  resourceVersion(): string;
}

export interface FakeKubernetes {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Applies to pods not yet ready as well as new ones. */
  setReadyDelay(ms: number): void;
  /**
   * Pods of matching deployments that are not yet ready stay Running but not Ready (a
   * CrashLoopBackOff container); `null` clears it and they become ready. Ready pods stay ready.
   */
  failReadiness(predicate: ReadinessPredicate | null): void;
  injectFault(fault: FaultSpec): void;
  /** This share (0..1) of requests answers 429 with Retry-After (until clearFaults). */
  setThrottleRate(rate: number): void;
  /** After `calls` more requests, the next one fails once with a 500. */
  interruptAfter(calls: number): void;
  clearFaults(): void;
  /** Every request so far (the last 1000), for debugging. */
  requests(): RequestRecord[];
  state: FakeKubernetesState;
}

const SEED_NAMESPACES = ['default', 'ns1'];
const CRDS = resourceByName('customresourcedefinitions');

function send(res: ServerResponse, status: number, body: JsonObject, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // Exactly `application/json`: that (not the Accept header's profile) makes kubectl fall back from aggregated discovery.
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function seed(store: ObjectStore): void {
  const namespaces = resourceByName('namespaces');
  for (const name of SEED_NAMESPACES) {
    const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, generation: 1 } };
    admit(namespaces, object, undefined);
    store.create(namespaces, object);
  }
}

/**
 * `GET …/pods/<name>/log`, as `kubectl logs` reads it: the container's output so far (a Job
 * pod's, see controller/jobs.ts; other pods print nothing), `tailLines` honoured; a pod of
 * several containers needs `container`, as the real API server says.
 */
function podLog(store: ObjectStore, jobs: JobController, namespace: string, name: string, query: URLSearchParams): string {
  const pods = resourceByName('pods');
  const pod = store.get(pods, namespace, name);
  if (!pod) throw notFound(pods, name);
  const containers = (arrayAt(pod, 'spec', 'containers') ?? []).filter(isObject).map((c) => String(c.name ?? ''));
  const container = query.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
  if (container === undefined) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const lines = (jobs.logOf(namespace, name, container) ?? '').split(/(?<=\n)/).filter((line) => line !== '');
  const tail = Number(query.get('tailLines') ?? NaN);
  return (Number.isInteger(tail) && tail >= 0 ? lines.slice(lines.length - tail) : lines).join('');
}

export async function startFakeKubernetes(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
  const store = new ObjectStore();
  // A new fake serves no custom resources, whatever an earlier one in this process had.
  syncCustomResources([]);
  seed(store);
  const controller = new DeploymentController(store, options.readyDelayMs ?? 50);
  let readyDelayMs = options.readyDelayMs ?? 50;
  const jobs = new JobController(store, () => readyDelayMs);
  const faults = new FaultInjector();
  const log = new RequestLog<RequestRecord>();
  let serverAddress = '127.0.0.1';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    log.add({ method, path: `${url.pathname}${url.search}`, contentType });
    try {
      const requestBody = await readBody(req);
      const fault = faults.take({ method, path: url.pathname });
      if (fault) throw fault;
      const target = route(method, url.pathname, url.searchParams, serverAddress);
      authorize(options.tokens, req.headers, method, target);
      if (target.kind === 'health') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (target.kind === 'document') {
        send(res, 200, target.body);
        return;
      }
      const { subresource } = target;
      if (subresource === 'log') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(podLog(store, jobs, target.namespace ?? '', target.name ?? '', url.searchParams));
        return;
      }
      const request: ResourceRequest = { ...target, subresource, method, query: url.searchParams, contentType, body: requestBody };
      const response = target.subresource === 'scale' ? handleScale(store, request) : handleResource(store, request);
      if (target.resource.name === 'customresourcedefinitions' && method !== 'GET') {
        // Deleting a CRD deletes its objects, as the API server does.
        for (const gone of syncCustomResources(store.list(CRDS))) for (const object of store.list(gone)) store.remove(gone, namespaceOf(object), nameOf(object));
      }
      const table = method === 'GET' && target.subresource === undefined && wantsTable(req.headers.accept);
      const body = table ? toTable(target.resource, response.body, url.searchParams.get('includeObject')) : response.body;
      send(res, response.status, body, response.headers);
    } catch (error) {
      const kubeError = error instanceof KubeError
        ? error
        : new KubeError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`);
      send(res, kubeError.code, kubeError.toStatus(), kubeError.headers);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  // An https.Server is an http.Server on TLS: the same handler, listen and close.
  const server = options.tls === undefined ? createServer(handler) : (createTlsServer(options.tls, handler) as unknown as Server);
  const port = await listenLocal(server, options.port ?? 0);
  serverAddress = `127.0.0.1:${port}`;

  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    close: () => {
      controller.stop();
      jobs.stop();
      return closeServer(server);
    },
    setReadyDelay: (ms) => {
      readyDelayMs = ms;
      controller.setReadyDelay(ms);
    },
    failReadiness: (predicate) => controller.failReadiness(predicate),
    injectFault: (fault) => faults.add(fault),
    setThrottleRate: (rate) => faults.setThrottleRate(rate),
    interruptAfter: (calls) => faults.interruptAfter(calls),
    clearFaults: () => faults.clear(),
    requests: () => log.copies(),
    state: {
      get: (resource, name, namespace = 'default') => store.get(resourceByName(resource), namespace, name),
      list: (resource, namespace) => store.list(resourceByName(resource), namespace),
      resourceVersion: () => store.resourceVersion(),
    },
  };
}
