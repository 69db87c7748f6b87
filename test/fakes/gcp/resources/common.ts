/** Pieces every collection handler uses: bodies, lookups, list pages and operation answers. */
import type { Json, JsonObject } from '../../kubernetes/json';
import type { ApiRequest, ApiResponse, FakeContext } from '../api';
import { badRequest, invalidField, notFound } from '../errors';
import { matches, parseFilter } from '../filter';
import { parseReference, relativeName, selfLink, type ResourceReference, type Scope } from '../links';
import type { OperationSpec } from '../operations';
import type { CollectionName } from '../store';

const DEFAULT_PAGE = 500;

export function requireBody(request: ApiRequest): JsonObject {
  if (!request.body) throw badRequest('Required request body is missing: this call needs a JSON object.');
  return request.body;
}

/** The path's resource name (the router only calls get/delete/verbs with one). */
export function pathName(request: ApiRequest): string {
  return request.name ?? '';
}

export function requireResource(context: FakeContext, collection: CollectionName, scope: Scope, name: string): JsonObject {
  const found = context.store.get(collection, scope, name);
  if (!found) throw notFound(relativeName(context.project, scope, collection, name));
  return found;
}

/**
 * A reference to a resource of `collection` in the fake's project (a URL or partial URL), checked
 * for shape; `field` names it in the 400 answer.
 */
export function requireReference(context: FakeContext, value: Json | undefined, collection: string, field: string): ResourceReference {
  const reference = typeof value === 'string' ? parseReference(value, context.project) : undefined;
  if (!reference || reference.collection !== collection) {
    throw invalidField(field, String(value ?? ''), 'The URL is malformed.');
  }
  return reference;
}

/** One page of a list, filtered by `filter`; `orderBy` is accepted and the order is by name. */
export function listPage(request: ApiRequest, context: FakeContext, kind: string, items: JsonObject[]): ApiResponse {
  const filter = parseFilter(request.query.get('filter') ?? '');
  const selected = items.filter((item) => matches(filter, item));
  const maxResults = Number(request.query.get('maxResults') ?? DEFAULT_PAGE);
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > DEFAULT_PAGE) {
    throw invalidField('maxResults', String(request.query.get('maxResults')), `Must be between 0 and ${DEFAULT_PAGE}.`);
  }
  const token = request.query.get('pageToken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidField('pageToken', token ?? '', 'Invalid page token.');
  const pageSize = maxResults === 0 ? DEFAULT_PAGE : maxResults;
  const page = selected.slice(offset, offset + pageSize);
  const body: JsonObject = {
    kind,
    id: relativeName(context.project, request.scope, request.collection),
    selfLink: selfLink(context.project, request.scope, request.collection),
  };
  // GCE leaves `items` out of an empty page.
  if (page.length > 0) body.items = page;
  if (offset + pageSize < selected.length) body.nextPageToken = Buffer.from(String(offset + pageSize)).toString('base64url');
  return { status: 200, body };
}

export function ok(body: JsonObject): ApiResponse {
  return { status: 200, body };
}

/** Starts an operation for a mutating call and answers with it, as every GCE mutation does. */
export function operation(context: FakeContext, request: ApiRequest, spec: OperationSpec): ApiResponse {
  return ok(context.operations.start(spec, request.query.get('requestId')));
}

/** A copy of `body` without the fields the server owns, so a client cannot set them. */
export function withoutServerFields(body: JsonObject): JsonObject {
  const copy: JsonObject = { ...body };
  for (const field of ['id', 'creationTimestamp', 'selfLink', 'kind', 'status', 'fingerprint', 'labelFingerprint']) delete copy[field];
  return copy;
}
