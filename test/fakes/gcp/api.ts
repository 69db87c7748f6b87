/** What a collection handler sees of a request, and the context it acts on. */
import type { JsonObject } from '../kubernetes/json';
import type { InstanceController } from './controller';
import type { Scope } from './links';
import type { OperationBook } from './operations';
import type { ResourceStore } from './store';
import type { ZonalInstanceController } from './zonalInstances';

export interface ApiRequest {
  method: string;
  /** The project in the path (the router has checked it is the fake's). */
  project: string;
  scope: Scope;
  collection: string;
  /** The resource named in the path, if any. */
  name: string | undefined;
  query: URLSearchParams;
  /** The JSON body; undefined for none (the client library sends `""` for calls without one). */
  body: JsonObject | undefined;
}

export interface ApiResponse {
  status: number;
  body: JsonObject;
}

export interface FakeContext {
  project: string;
  store: ResourceStore;
  operations: OperationBook;
  controller: InstanceController;
  zonalInstances: ZonalInstanceController;
  /** How long an operation `wait` call blocks at most before answering with the status then. */
  waitTimeoutMs: number;
  isClosed(): boolean;
}

export type Handler = (context: FakeContext, request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** The methods of one collection; a verb is a custom method `…/{name}/{verb}`. */
export interface CollectionApi {
  list?: Handler;
  get?: Handler;
  insert?: Handler;
  delete?: Handler;
  patch?: Handler;
  update?: Handler;
  verbs?: Record<string, { method: 'GET' | 'POST'; handle: Handler }>;
  /** Custom methods on the collection itself, e.g. `images/family/{family}` (name = the family). */
  collectionVerbs?: Record<string, { method: 'GET' | 'POST'; handle: Handler }>;
}
