/**
 * Long-running operations. Every mutating call answers with an Operation at once; it moves
 * PENDING → RUNNING → DONE as time passes (at least the operation delay, and until the work it
 * stands for is finished, e.g. a deleted group's instances are gone). A failed operation is DONE
 * with `error.errors[]` and `httpErrorStatusCode`, as GCE reports errors found after accepting a call.
 */
import { randomBytes } from 'node:crypto';
import { clone, type JsonObject } from '../kubernetes/json';
import { notFound, type GcpError } from './errors';
import { regionLink, relativeName, scopePath, selfLink, zoneLink, type Scope } from './links';
import { timestamp, type ResourceStore } from './store';

export interface OperationSpec {
  /** `global`, a region or a zone: where the operation is listed and polled. */
  scope: Scope;
  operationType: string;
  targetLink: string;
  targetId?: string;
  /** The work that must be finished before the operation is DONE; checked on every look. */
  until?: () => boolean;
  /** The operation ends DONE with this error. */
  failure?: GcpError;
  /** Runs once when the operation ends without error (e.g. a new image becomes READY). */
  onDone?: () => void;
}

interface OperationRecord {
  resource: JsonObject;
  scope: Scope;
  createdAt: number;
  until: (() => boolean) | undefined;
  failure: GcpError | undefined;
  onDone: (() => void) | undefined;
}

const COLLECTION = 'operations';
const POLL_MS = 5;

const HTTP_MESSAGES: Record<number, string> = {
  400: 'BAD REQUEST', 403: 'FORBIDDEN', 404: 'NOT FOUND', 409: 'CONFLICT', 412: 'PRECONDITION FAILED',
  429: 'TOO MANY REQUESTS', 500: 'INTERNAL SERVER ERROR', 503: 'SERVICE UNAVAILABLE',
};

function operationName(now: number): string {
  return `operation-${now}-${randomBytes(7).toString('hex').slice(0, 13)}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

export class OperationBook {
  private readonly records = new Map<string, OperationRecord>();
  private readonly byRequestId = new Map<string, OperationRecord>();

  /** `beforeLook` brings the simulated world up to date before an operation's status is read. */
  constructor(
    private readonly project: string,
    private readonly store: ResourceStore,
    private delayMs: number,
    private readonly beforeLook: () => void,
  ) {}

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  private key(scope: Scope, name: string): string {
    return relativeName(this.project, scope, COLLECTION, name);
  }

  /** The operation a retried call with the same `requestId` gets back instead of a second effect. */
  replay(requestId: string | null): JsonObject | undefined {
    const record = requestId ? this.byRequestId.get(requestId) : undefined;
    return record && this.look(record);
  }

  start(spec: OperationSpec, requestId: string | null): JsonObject {
    const now = Date.now();
    const name = operationName(now);
    const resource: JsonObject = {
      kind: 'compute#operation',
      id: this.store.newId(),
      name,
      operationType: spec.operationType,
      targetLink: spec.targetLink,
      status: 'PENDING',
      user: 'gantry-fake@gantry-test.iam.gserviceaccount.com',
      progress: 0,
      insertTime: timestamp(now),
      selfLink: selfLink(this.project, spec.scope, COLLECTION, name),
    };
    if (spec.targetId !== undefined) resource.targetId = spec.targetId;
    if (spec.scope.kind === 'region') resource.region = regionLink(this.project, spec.scope.region);
    if (spec.scope.kind === 'zone') resource.zone = zoneLink(this.project, spec.scope.zone);
    const record: OperationRecord = { resource, scope: spec.scope, createdAt: now, until: spec.until, failure: spec.failure, onDone: spec.onDone };
    this.records.set(this.key(spec.scope, name), record);
    if (requestId) this.byRequestId.set(requestId, record);
    return this.look(record);
  }

  get(scope: Scope, name: string): JsonObject {
    return this.look(this.find(scope, name));
  }

  list(scope: Scope): JsonObject[] {
    return this.lookAll([...this.records.values()].filter((r) => scopePath(r.scope) === scopePath(scope)));
  }

  /** Brings the world up to date and moves every unfinished operation on, so that their effects happen even if nobody polls them. */
  advance(): void {
    this.beforeLook();
    const now = Date.now();
    for (const record of this.records.values()) this.step(record, now);
  }

  all(): JsonObject[] {
    return this.lookAll([...this.records.values()]);
  }

  remove(scope: Scope, name: string): void {
    const record = this.find(scope, name);
    this.records.delete(this.key(scope, name));
    for (const [requestId, candidate] of this.byRequestId) if (candidate === record) this.byRequestId.delete(requestId);
  }

  /** Answers once the operation is DONE, or after `timeoutMs` with its status then (as GCE's `wait`). */
  async wait(scope: Scope, name: string, timeoutMs: number, isClosed: () => boolean): Promise<JsonObject> {
    const record = this.find(scope, name);
    const deadline = Date.now() + timeoutMs;
    let current = this.look(record);
    while (current.status !== 'DONE' && Date.now() < deadline && !isClosed()) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      current = this.look(record);
    }
    return current;
  }

  private find(scope: Scope, name: string): OperationRecord {
    const record = this.records.get(this.key(scope, name));
    if (!record) throw notFound(this.key(scope, name));
    return record;
  }

  /** The operation's JSON now, advancing its status if its time has come. */
  private look(record: OperationRecord): JsonObject {
    if (record.resource.status !== 'DONE') {
      this.beforeLook();
      this.step(record, Date.now());
    }
    return clone(record.resource);
  }

  /** Several operations' JSON now, the world brought up to date once for all of them. */
  private lookAll(records: OperationRecord[]): JsonObject[] {
    if (records.some((record) => record.resource.status !== 'DONE')) this.beforeLook();
    const now = Date.now();
    return records.map((record) => {
      this.step(record, now);
      return clone(record.resource);
    });
  }

  /** Advances an unfinished operation's status if its time has come (the world already up to date). */
  private step(record: OperationRecord, now: number): void {
    const { resource } = record;
    if (resource.status === 'DONE') return;
    if (resource.status === 'PENDING' && now >= record.createdAt + this.delayMs / 2) {
      resource.status = 'RUNNING';
      resource.startTime = timestamp(now);
    }
    if (now >= record.createdAt + this.delayMs && (record.failure !== undefined || (record.until?.() ?? true))) this.finish(record, now);
  }

  private finish(record: OperationRecord, now: number): void {
    const { resource, failure } = record;
    resource.status = 'DONE';
    resource.progress = 100;
    resource.startTime ??= timestamp(now);
    resource.endTime = timestamp(now);
    if (failure) {
      resource.error = { errors: [{ code: failure.operationCode(), message: failure.message }] };
      resource.httpErrorStatusCode = failure.code;
      resource.httpErrorMessage = HTTP_MESSAGES[failure.code] ?? 'ERROR';
    } else {
      record.onDone?.();
    }
  }
}
