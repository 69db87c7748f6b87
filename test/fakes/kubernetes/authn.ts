/**
 * Bearer tokens and namespace-restricted service accounts, as an API server with RBAC answers
 * them (opt-in: a fake without `tokens` lets every request through, as before). A token unknown or
 * missing is 401; a restricted token may read discovery (every authenticated user may) and act in
 * its namespaces only: a cluster-scoped kind, or a list across all namespaces, is 403 Forbidden
 * with the API server's message, so a client that needs cluster-wide rights is caught.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Route } from './router';
import { KubeError } from './status';

export interface FakeToken {
  /** The user the API server names in its refusals, e.g. `system:serviceaccount:ns1:deployer`. */
  user: string;
  /** Restricted to these namespaces (a Role per namespace); absent: cluster-wide rights. */
  namespaces?: string[];
}

const VERBS: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export function authorize(tokens: Record<string, FakeToken> | undefined, headers: IncomingHttpHeaders, method: string, target: Route): void {
  if (tokens === undefined || target.kind === 'health') return;
  const presented = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const token = presented === undefined ? undefined : tokens[presented];
  if (token === undefined) throw new KubeError(401, 'Unauthorized', 'Unauthorized');
  if (target.kind === 'document' || token.namespaces === undefined) return;
  const { resource, namespace, name } = target;
  if (resource.namespaced && namespace !== undefined && token.namespaces.includes(namespace)) return;
  const verb = method === 'GET' && name === undefined ? 'list' : (VERBS[method] ?? method.toLowerCase());
  const where = resource.namespaced && namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const what = `${resource.name}${name === undefined ? '' : ` "${name}"`}`;
  throw new KubeError(403, 'Forbidden', `${what} is forbidden: User "${token.user}" cannot ${verb} resource "${resource.name}" in API group "${resource.group}" ${where}`);
}
