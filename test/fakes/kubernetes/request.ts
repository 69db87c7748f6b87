/** What a handler sees of an HTTP request once the router has resolved the resource. */
import { isObject, type Json, type JsonObject } from './json';
import type { ResourceType } from './resources';
import { decodeKubernetesProtobuf, PROTOBUF } from './protobuf';
import { badRequest, unsupportedMediaType } from './status';

export interface ResourceRequest {
  method: string;
  resource: ResourceType;
  /** Undefined for cluster-scoped resources and for lists across all namespaces. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: 'status' | 'scale' | undefined;
  query: URLSearchParams;
  /** Media type without parameters, lower case. */
  contentType: string;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  body: JsonObject;
  headers?: Record<string, string>;
}

export function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

export function bodyText(request: ResourceRequest): string {
  return request.body.toString('utf8');
}

/** A create/replace body: JSON, or protobuf for the kinds kubectl's typed commands send that way. */
export function parseObjectBody(request: ResourceRequest): JsonObject {
  if (request.contentType === PROTOBUF) return decodeKubernetesProtobuf(request.body);
  if (request.contentType !== '' && request.contentType !== 'application/json') {
    throw unsupportedMediaType(request.contentType, ['application/json', PROTOBUF]);
  }
  if (bodyText(request).trim() === '') throw badRequest('the body of the request is empty');
  const parsed = parseJson(bodyText(request));
  if (!isObject(parsed)) throw badRequest('the body of the request must be a JSON object');
  return parsed;
}

export function isDryRun(request: ResourceRequest): boolean {
  return request.query.getAll('dryRun').includes('All');
}
