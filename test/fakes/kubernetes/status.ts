/**
 * API errors as the real server sends them: a `Status` object with the HTTP code, so clients'
 * own error decoding (client-node's ApiException, kubectl's messages) is what gets exercised.
 */
import type { JsonObject } from './json';
import { qualifiedName, type ResourceType } from './resources';

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Forbidden' | 'Unauthorized' | 'TooManyRequests' | 'InternalError'
  | 'ServiceUnavailable' | 'BadRequest' | 'Invalid' | 'MethodNotAllowed' | 'UnsupportedMediaType';

export interface FieldCause {
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported';
  field: string;
  message: string;
}

export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details: JsonObject = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}

function resourceDetails(resource: ResourceType, name: string): JsonObject {
  // The real server puts the resource (plural) in details.kind, and omits an empty group.
  return resource.group ? { name, group: resource.group, kind: resource.name } : { name, kind: resource.name };
}

export function notFound(resource: ResourceType, name: string): KubeError {
  return new KubeError(404, 'NotFound', `${qualifiedName(resource)} "${name}" not found`, resourceDetails(resource, name));
}

export function alreadyExists(resource: ResourceType, name: string): KubeError {
  return new KubeError(409, 'AlreadyExists', `${qualifiedName(resource)} "${name}" already exists`, resourceDetails(resource, name));
}

export function conflict(resource: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): KubeError {
  return new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(resource)} "${name}": ${why}`, resourceDetails(resource, name));
}

export function invalid(resource: ResourceType, name: string, causes: FieldCause[]): KubeError {
  const kind = resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const details: JsonObject = { name, kind: resource.kind, causes: causes.map((c) => ({ ...c })) };
  if (resource.group) details.group = resource.group;
  return new KubeError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, details);
}

export function badRequest(message: string): KubeError {
  return new KubeError(400, 'BadRequest', message);
}

export function unknownPath(): KubeError {
  return new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function methodNotAllowed(what: string): KubeError {
  return new KubeError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource: ${what}`, {});
}

export function unsupportedMediaType(contentType: string, supported: string[]): KubeError {
  return new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')} (got ${contentType || 'none'})`, {});
}

/** Status for an injected fault, with the reason the real server would give that code. */
export function faultError(code: 403 | 409 | 429 | 500 | 503, message: string | undefined): KubeError {
  switch (code) {
    case 403:
      return new KubeError(403, 'Forbidden', message ?? 'forbidden: injected by the fake', {});
    case 409:
      return new KubeError(409, 'Conflict', message ?? 'Operation cannot be fulfilled: injected conflict', {});
    case 429:
      // Retry-After is what client-go and well-behaved clients wait on before retrying.
      return new KubeError(429, 'TooManyRequests', message ?? 'Too many requests, please try again later.', { retryAfterSeconds: 1 }, { 'Retry-After': '1' });
    case 500:
      return new KubeError(500, 'InternalError', message ?? 'Internal error occurred: injected by the fake', {});
    case 503:
      return new KubeError(503, 'ServiceUnavailable', message ?? 'the server is currently unable to handle the request', {});
  }
}
