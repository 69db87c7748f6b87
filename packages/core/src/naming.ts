import { ValidationError } from './errors';

/**
 * Spinnaker's naming conventions (Frigga): a cluster is `application[-stack[-detail]]` and a
 * server group is `cluster-vNNN`. Names are also Kubernetes resource names (Deployment and Service),
 * so they must be DNS-1123 labels that start with a letter (Services require DNS-1035) and fit the
 * 63-character limit of label values, where the server group name is stored too.
 */

export const MAX_RESOURCE_NAME_LENGTH = 63;
/** `-vNNN` */
const SEQUENCE_SUFFIX_LENGTH = 5;
export const MAX_CLUSTER_NAME_LENGTH = MAX_RESOURCE_NAME_LENGTH - SEQUENCE_SUFFIX_LENGTH;
export const SEQUENCE_COUNT = 1000;

/**
 * An application's name: front50 admits letters, digits, `.`, `_` and `-` (and compares names
 * case-blind, which is why Gantry's are lower case); Gantry takes lower-case letters and digits with
 * single `-` between them, a name that fits a URL, a Kubernetes label value and a moniker's `app`.
 */
export const APPLICATION_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const APPLICATION_NAME_RULE = 'lower-case letters and digits, starting with a letter, with single "-" between them';
/**
 * The application part of a cluster name (Frigga's): no `-`, since Frigga splits `app-stack-detail`
 * at the first `-`. An application with a dash is a valid application whose server-group clusters
 * Frigga would read as another application's; the stages that name such clusters refuse it.
 */
export const CLUSTER_APPLICATION = /^[a-z][a-z0-9]*$/;
// Frigga: the stack has no hyphen, so that `app-stack-detail` splits unambiguously; the detail may.
export const STACK = /^[a-z0-9]+$/;
export const DETAIL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SERVER_GROUP = /^(.+)-v(\d{3})$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export interface ClusterNameParts {
  application: string;
  stack?: string;
  detail?: string;
}

/** Why `name` cannot be a resource name, or undefined when it can. */
export function resourceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_RESOURCE_NAME_LENGTH) return `must be at most ${MAX_RESOURCE_NAME_LENGTH} characters (has ${name.length})`;
  if (!DNS_LABEL.test(name)) return 'must be lower-case letters, digits and "-", start with a letter and end with a letter or digit';
  return undefined;
}

/** `app`, `app-stack`, `app--detail` or `app-stack-detail`. Throws a ValidationError naming the bad part. */
export function clusterName(application: string, stack?: string, detail?: string): string {
  const issues: { path: string[]; message: string }[] = [];
  if (!CLUSTER_APPLICATION.test(application)) {
    issues.push({ path: ['application'], message: `"${application}" must be lower-case letters and digits (no "-": a cluster name's first "-" ends its application)` });
  }
  if (stack !== undefined && stack !== '' && !STACK.test(stack)) {
    issues.push({ path: ['stack'], message: `"${stack}" must be lower-case letters and digits (no "-": it separates stack from detail)` });
  }
  if (detail !== undefined && detail !== '' && !DETAIL.test(detail)) {
    issues.push({ path: ['detail'], message: `"${detail}" must be lower-case letters, digits and single "-" between them` });
  }
  if (issues.length > 0) throw new ValidationError(`invalid cluster name parts: ${issues.map((i) => `${i.path[0]} ${i.message}`).join('; ')}`, issues);
  const name = [application, stack ?? '', detail ?? ''].join('-').replace(/-+$/, '');
  if (name.length > MAX_CLUSTER_NAME_LENGTH) {
    throw new ValidationError(`cluster name ${name} is too long: at most ${MAX_CLUSTER_NAME_LENGTH} characters, so that ${name}-vNNN fits ${MAX_RESOURCE_NAME_LENGTH}`, [
      { path: ['cluster'], message: `at most ${MAX_CLUSTER_NAME_LENGTH} characters` },
    ]);
  }
  return name;
}

/** The parts of a cluster name, or null when it is not one (Frigga's split). */
export function parseClusterName(cluster: string): ClusterNameParts | null {
  const [application = '', stack = '', ...rest] = cluster.split('-');
  const detail = rest.join('-');
  if (!CLUSTER_APPLICATION.test(application)) return null;
  if (stack !== '' && !STACK.test(stack)) return null;
  if (detail !== '' && !DETAIL.test(detail)) return null;
  if (rest.length > 0 && detail === '') return null; // a trailing "-"
  if (stack === '' && cluster.includes('-') && detail === '') return null;
  return { application, ...(stack === '' ? {} : { stack }), ...(detail === '' ? {} : { detail }) };
}

/** `checkout-prod-v007` → `{cluster: 'checkout-prod', sequence: 7}`; null when it is not a server group name. */
export function parseServerGroupName(name: string): { cluster: string; sequence: number } | null {
  const match = SERVER_GROUP.exec(name);
  if (!match) return null;
  const [, cluster = '', digits = ''] = match;
  if (parseClusterName(cluster) === null) return null;
  return { cluster, sequence: Number(digits) };
}

/** `cluster-vNNN`, three digits. Throws when the sequence is out of range or the name is too long. */
export function serverGroupName(cluster: string, sequence: number): string {
  assertSequence(sequence);
  if (parseClusterName(cluster) === null) {
    throw new ValidationError(`"${cluster}" is not a cluster name (application[-stack[-detail]])`, [{ path: ['cluster'], message: 'not a cluster name' }]);
  }
  const name = `${cluster}-v${String(sequence).padStart(3, '0')}`;
  const problem = resourceNameProblem(name);
  if (problem !== undefined) throw new ValidationError(`server group name ${name} ${problem}`, [{ path: ['cluster'], message: problem }]);
  return name;
}

/**
 * The sequence for a new server group: one past the highest in use, wrapping from 999 to 000 and
 * skipping numbers still in use (a cluster that wrapped keeps its old groups around for a while).
 */
export function nextSequence(existing: readonly number[]): number {
  existing.forEach(assertSequence);
  if (existing.length === 0) return 0;
  const used = new Set(existing);
  if (used.size >= SEQUENCE_COUNT) throw new RangeError(`all ${SEQUENCE_COUNT} server group sequences are in use`);
  let candidate = (Math.max(...existing) + 1) % SEQUENCE_COUNT;
  while (used.has(candidate)) candidate = (candidate + 1) % SEQUENCE_COUNT;
  return candidate;
}

function assertSequence(sequence: number): void {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= SEQUENCE_COUNT) {
    throw new RangeError(`server group sequence must be an integer from 0 to ${SEQUENCE_COUNT - 1}, got ${sequence}`);
  }
}

/** The application a cluster (or server group) name belongs to: its first part. */
export function applicationOfCluster(cluster: string): string {
  return cluster.split('-', 1)[0] ?? cluster;
}
