/**
 * The fake AWS endpoint: node:http on 127.0.0.1 serving Auto Scaling, EC2 and ELBv2 over the
 * Query protocol on one port, state per region, a simulated controller, and controls for tests.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { autoScalingActions } from './autoscaling/index';
import type { ActionTable } from './context';
import { AwsController, type ImagePredicate, type InstancePredicate } from './controller';
import { ec2Actions } from './ec2/index';
import { elbv2Actions } from './elbv2/index';
import { routeThroughListener, type ListenerRequest } from './elbv2/rules';
import { AwsFaultInjector, type FaultSpec } from './faults';
import { closeServer, listenLocal, readBody, RequestLog } from '../httpServer';
import type { AutoScalingGroup, ForwardAction, Image, Instance, LaunchTemplate, Listener, ListenerRule, LoadBalancer, ScalingActivity, Target, TargetGroup } from './model';
import { AwsError } from './protocol/errors';
import { QueryParams } from './protocol/query';
import { identify, unknownAction, unknownServiceError, type ServiceName } from './protocol/services';
import { AwsStore } from './store';

export interface FakeAwsOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** How long instances take to launch / terminate and targets to pass health checks or drain; 100 ms by default. */
  readyDelayMs?: number;
  /** How long CreateImage / CopyImage images stay pending; 200 ms by default. */
  imageDelayMs?: number;
  /** Region used when a request carries no SigV4 credential scope; us-east-1 by default. */
  defaultRegion?: string;
}

export interface RequestRecord {
  service: ServiceName | 'unknown';
  region: string;
  action: string;
  /** HTTP status answered. */
  status: number;
  /** The error code answered, if any. */
  errorCode?: string;
}

export interface FakeAws {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Applies to transitions already under way as well as new ones. */
  setReadyDelay(ms: number): void;
  /** How long images created or copied from now on stay pending. */
  setImageDelay(ms: number): void;
  /**
   * Matching instances (by region, instance id, AMI, Auto Scaling group name) report Unhealthy in
   * their group and `unhealthy` (Target.FailedHealthChecks) in target groups; `null` clears it.
   */
  failInstances(predicate: InstancePredicate | null): void;
  /** Pending AMIs that match (by region, image id, name) end `failed` (StateReason Server.InternalError); `null` clears it. */
  failImages(predicate: ImagePredicate | null): void;
  /** This share (0..1) of calls answers Throttling (Auto Scaling, ELBv2; HTTP 400) or RequestLimitExceeded (EC2; HTTP 503, as EC2 does). */
  setThrottleRate(rate: number): void;
  /** After `calls` more calls, the next one fails once with HTTP 500 InternalFailure (EC2: InternalError). */
  interruptAfter(calls: number): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Every call so far (the last 1000), oldest first. */
  requests(): RequestRecord[];
  /** Copies of what the fake stores in a region (us-east-1 by default). */
  autoScalingGroups(region?: string): AutoScalingGroup[];
  scalingActivities(region?: string): ScalingActivity[];
  launchTemplates(region?: string): LaunchTemplate[];
  images(region?: string): Image[];
  instances(region?: string): Instance[];
  targetGroups(region?: string): TargetGroup[];
  targetHealth(region: string, targetGroupArn: string): Target[];
  loadBalancers(region?: string): LoadBalancer[];
  listeners(region?: string): Listener[];
  /** The listeners' rules, by priority within each listener. */
  rules(region?: string): ListenerRule[];
  /** Which rule and forward action an ALB listener takes for a request (first matching rule by priority, else the default). */
  route(listenerArn: string, request: ListenerRequest, region?: string): { rule: string; action: ForwardAction | undefined };
}

const ACTIONS: Record<ServiceName, ActionTable> = { autoscaling: autoScalingActions, ec2: ec2Actions, elasticloadbalancing: elbv2Actions };

function sendXml(res: ServerResponse, status: number, body: string, requestId: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId });
  res.end(body);
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const store = new AwsStore();
  const defaultRegion = options.defaultRegion ?? 'us-east-1';
  store.region(defaultRegion);
  const controller = new AwsController(store, options.readyDelayMs ?? 100);
  let imageDelayMs = options.imageDelayMs ?? 200;
  const timing = { readyDelayMs: () => controller.readyDelay(), imageDelayMs: () => imageDelayMs };
  const faults = new AwsFaultInjector();
  const log = new RequestLog<RequestRecord>();

  function answer(res: ServerResponse, record: RequestRecord, status: number, body: string, requestId: string): void {
    record.status = status;
    log.add(record);
    sendXml(res, status, body, requestId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = (await readBody(req)).toString('utf8');
    const form = new URLSearchParams(body);
    const url = new URL(req.url ?? '/', 'http://fake');
    const action = form.get('Action') ?? url.searchParams.get('Action') ?? undefined;
    const version = form.get('Version') ?? url.searchParams.get('Version') ?? undefined;
    const { service, region } = identify(req.headers.authorization, version, defaultRegion);
    const record: RequestRecord = { service: service?.name ?? 'unknown', region, action: action ?? '', status: 0 };
    if (!service) {
      answer(res, record, 400, unknownServiceError(requestId), requestId);
      return;
    }
    try {
      if (req.method !== 'POST' && req.method !== 'GET') throw new AwsError('InvalidHttpRequest', `Method ${req.method} is not supported`, 405);
      const actions = ACTIONS[service.name];
      // Own keys only: `toString` is not an action.
      const handler = action !== undefined && Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!handler || action === undefined) throw unknownAction(service, action);
      const fault = faults.take({ service, action });
      if (fault) throw fault;
      const params = QueryParams.parse(req.method === 'GET' ? url.search.slice(1) : body, service.parameterErrors);
      let regionState;
      try {
        regionState = store.region(region);
      } catch {
        throw new AwsError(service.name === 'ec2' ? 'InvalidParameterValue' : 'ValidationError', `Unknown region: ${region}`);
      }
      const result = handler({ params, region: regionState, store, timing, now: Date.now() });
      answer(res, record, 200, service.success(action, requestId, result), requestId);
    } catch (error) {
      const awsError = error instanceof AwsError ? error : new AwsError(service.internalErrorCode, `Internal error in the fake: ${(error as Error).message}`, 500);
      record.errorCode = awsError.code;
      answer(res, record, awsError.status, service.error(awsError, requestId), requestId);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const port = await listenLocal(server, options.port ?? 0);

  const copies = <T>(values: Iterable<T>): T[] => structuredClone([...values]);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      controller.stop();
      return closeServer(server);
    },
    setReadyDelay: (ms) => controller.setReadyDelay(ms),
    setImageDelay: (ms) => {
      if (!(Number.isFinite(ms) && ms >= 0)) throw new Error('setImageDelay: ms must be a non-negative number');
      imageDelayMs = ms;
    },
    failInstances: (predicate) => controller.failInstances(predicate),
    failImages: (predicate) => controller.failImages(predicate),
    setThrottleRate: (rate) => faults.setThrottleRate(rate),
    interruptAfter: (calls) => faults.interruptAfter(calls),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    requests: () => log.copies(),
    autoScalingGroups: (region = defaultRegion) => copies(store.region(region).autoScalingGroups.values()),
    scalingActivities: (region = defaultRegion) => copies(store.region(region).activities),
    launchTemplates: (region = defaultRegion) => copies(store.region(region).launchTemplates.values()),
    images: (region = defaultRegion) => copies(store.region(region).images.values()),
    instances: (region = defaultRegion) => copies(store.region(region).instances.values()),
    targetGroups: (region = defaultRegion) => copies(store.region(region).targetGroups.values()),
    loadBalancers: (region = defaultRegion) => copies(store.region(region).loadBalancers.values()),
    listeners: (region = defaultRegion) => copies(store.region(region).listeners.values()),
    rules: (region = defaultRegion) => copies([...store.region(region).rules.values()].sort((a, b) => a.listenerArn.localeCompare(b.listenerArn) || a.priority - b.priority)),
    route: (listenerArn, request, region = defaultRegion) => structuredClone(routeThroughListener(store.region(region), listenerArn, request)),
    targetHealth: (region, targetGroupArn) => copies(store.region(region).targetGroups.get(targetGroupArn)?.targets ?? []),
  };
}
