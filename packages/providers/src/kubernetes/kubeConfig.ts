import { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesAccountConfig } from './account';
import { ProviderError } from '../errors';

/**
 * The client configuration of one account:
 * - `server` (+ a bearer token read from the variable `token.env` names): an explicit cluster, as
 *   in-cluster deployments with a service account token, and tests against a fake, use;
 * - `kubeconfig` (+ `context`): a kubeconfig file, the way kubectl is configured;
 * - neither: client-node's default lookup (KUBECONFIG, ~/.kube/config, then in-cluster).
 * Tokens are read here, when the provider is built, so a rotated secret only needs a restart.
 */
export function buildKubeConfig(account: KubernetesAccountConfig, env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  const fail = (reason: string, cause?: unknown) =>
    new ProviderError({ kind: 'Fatal', provider: 'kubernetes', operation: 'connect', account: account.name, reason, cause });

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
