import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesAccountConfig } from './account';
import { ProviderError } from '../errors';

/**
 * Where Kubernetes mounts a pod's service account (`token`, `ca.crt`, `namespace`);
 * GANTRY_KUBERNETES_SERVICEACCOUNT_DIR moves it (tests, or a sidecar that writes it elsewhere).
 */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function serviceAccountDir(env: NodeJS.ProcessEnv): string {
  return env.GANTRY_KUBERNETES_SERVICEACCOUNT_DIR ?? SERVICE_ACCOUNT_DIR;
}

/**
 * An in-cluster account as client-go and client-node build one: the Service every pod is given
 * (KUBERNETES_SERVICE_HOST/PORT) over TLS verified with the service account's CA, and its token
 * as a token file, which the client re-reads (projected tokens are rotated while the pod runs).
 */
function loadInCluster(kc: KubeConfig, account: KubernetesAccountConfig, env: NodeJS.ProcessEnv, fail: (reason: string) => ProviderError): void {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || host === '' || port === undefined || port === '') {
    throw fail('inCluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (they are in every pod; is Gantry running in a cluster?)');
  }
  const dir = serviceAccountDir(env);
  const [tokenFile, caFile] = [join(dir, 'token'), join(dir, 'ca.crt')];
  for (const file of [tokenFile, caFile]) {
    if (!existsSync(file)) throw fail(`inCluster: ${file} does not exist (is a service account token mounted? automountServiceAccountToken may be false)`);
  }
  kc.loadFromOptions({
    clusters: [{ name: account.name, server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, caFile, skipTLSVerify: account.skipTLSVerify ?? false }],
    users: [{ name: account.name, authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: account.name, cluster: account.name, user: account.name, namespace: account.namespace }],
    currentContext: account.name,
  });
}

/** The account as its client acts: an in-cluster one with no namespace named works in its pod's namespace. */
export function effectiveAccount(account: KubernetesAccountConfig, env: NodeJS.ProcessEnv): KubernetesAccountConfig {
  if (!account.podNamespace) return account;
  const file = join(serviceAccountDir(env), 'namespace');
  const namespace = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return namespace === '' ? account : { ...account, namespace };
}

/**
 * The client configuration of one account:
 * - `server` (+ a bearer token read from the variable `token.env` names): an explicit cluster, as
 *   in-cluster deployments with a service account token, and tests against a fake, use;
 * - `kubeconfig` (+ `context`): a kubeconfig file, the way kubectl is configured;
 * - `inCluster`: the pod's service account (loadInCluster);
 * - none of them: client-node's default lookup (KUBECONFIG, ~/.kube/config, then in-cluster at the fixed paths).
 * Tokens are read here, when the provider is built, so a rotated secret only needs a restart.
 */
export function buildKubeConfig(account: KubernetesAccountConfig, env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  const fail = (reason: string, cause?: unknown) =>
    new ProviderError({ kind: 'Fatal', provider: 'kubernetes', operation: 'connect', account: account.name, reason, cause });

  if (account.inCluster === true) {
    loadInCluster(kc, account, env, fail);
    return kc;
  }
  if (account.server !== undefined) {
    let token: string | undefined;
    if (account.token !== undefined) {
      token = env[account.token.env];
      if (token === undefined || token === '') throw fail(`the token variable ${account.token.env} (token.env) is not set`);
    }
    // client-node refuses plain http unless skipTLSVerify is set; there is no TLS to verify then.
    const plainHttp = account.server.startsWith('http:');
    kc.loadFromOptions({
      clusters: [{ name: account.name, server: account.server, skipTLSVerify: plainHttp || (account.skipTLSVerify ?? false) }],
      users: [token === undefined ? { name: account.name } : { name: account.name, token }],
      contexts: [{ name: account.name, cluster: account.name, user: account.name, namespace: account.namespace }],
      currentContext: account.name,
    });
    return kc;
  }

  try {
    if (account.kubeconfig !== undefined) kc.loadFromFile(account.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw fail(`cannot load kubeconfig ${account.kubeconfig ?? '(default)'}: ${(error as Error).message}`, error);
  }
  if (account.context !== undefined) {
    if (kc.getContextObject(account.context) === null) {
      const known = kc.getContexts().map((context) => context.name);
      throw fail(`context ${account.context} is not in kubeconfig ${account.kubeconfig ?? '(default)'} (contexts: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(account.context);
  }
  if (account.skipTLSVerify !== undefined) {
    const cluster = kc.getCurrentCluster();
    if (cluster) {
      // Cluster objects are read-only views; rebuild the list with the override.
      kc.clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: account.skipTLSVerify ?? false } : c));
    }
  }
  if (kc.getCurrentCluster() === null) throw fail(`kubeconfig ${account.kubeconfig ?? '(default)'} has no current cluster`);
  return kc;
}
