import { z } from 'zod';
import { baseAccountShape, envReference, httpUrl, type ResolvePath } from '../accountFields';

// Namespaces are DNS-1123 labels.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const namespace = z.string().regex(NAMESPACE, 'a Kubernetes namespace (lower-case letters, digits and "-")').max(63);

const httpRouteParentRef = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  sectionName: z.string().optional(),
  group: z.string().optional(),
  kind: z.string().optional(),
  port: z.number().int().optional(),
});

/**
 * service: the cluster's Service selects enabled pods; weights are approximated (see
 * KubernetesProvider.setTrafficWeights). gatewayHttpRoute: a Gateway API HTTPRoute per cluster
 * carries exact backend weights and A/B matches. istio: a VirtualService over the cluster's Service
 * with a DestinationRule subset per server group (weights and A/B matches). smi: an SMI
 * TrafficSplit (Linkerd) over per-server-group Services, weights only.
 */
export const KUBERNETES_TRAFFIC_MODES = ['service', 'gatewayHttpRoute', 'istio', 'smi'] as const;
const trafficMode = z.enum(KUBERNETES_TRAFFIC_MODES);

const kubernetesTraffic = z.strictObject({
  mode: trafficMode.default('service'),
  /** A cluster's own mode, over the account's (a mesh adopted one application at a time). */
  clusters: z.record(z.string().min(1), z.strictObject({ mode: trafficMode })).optional(),
  httpRoute: z
    .strictObject({
      /** The route's name; `{cluster}` is replaced by the cluster name. Default `{cluster}`. */
      name: z.string().min(1).optional(),
      parentRefs: z.array(httpRouteParentRef).optional(),
    })
    .optional(),
});

export const kubernetesAccountSchema = z
  .strictObject({
    ...baseAccountShape,
    provider: z.literal('kubernetes'),
    /** A kubeconfig file; relative paths are relative to the accounts file, `~/` is the home directory. */
    kubeconfig: z.string().min(1).optional(),
    /** The kubeconfig context; default: the file's current context. */
    context: z.string().min(1).optional(),
    /**
     * Gantry runs in the cluster it deploys to, as its pod's service account: the API server from
     * KUBERNETES_SERVICE_HOST/PORT, the token, CA and namespace from the mounted service account
     * (kubeConfig.ts, SERVICE_ACCOUNT_DIR).
     */
    inCluster: z.boolean().optional(),
    /** The API server, instead of a kubeconfig (an explicit cluster with a token, or tests). */
    server: httpUrl.optional(),
    token: envReference.optional(),
    /** Where server groups go unless a stage names another namespace. */
    namespace: namespace.optional(),
    /** The namespaces stages may use; unset: any. */
    namespaces: z.array(namespace).min(1).optional(),
    skipTLSVerify: z.boolean().optional(),
    traffic: kubernetesTraffic.default({ mode: 'service' }),
  })
  .superRefine((account, context) => {
    if (account.kubeconfig !== undefined && account.server !== undefined) {
      context.addIssue({ code: 'custom', path: ['server'], message: 'give either kubeconfig or server, not both' });
    }
    if (account.inCluster === true && (account.kubeconfig !== undefined || account.server !== undefined)) {
      context.addIssue({ code: 'custom', path: ['inCluster'], message: 'an in-cluster account reads its server and credentials from its pod: give neither kubeconfig nor server' });
    }
    if (account.token !== undefined && account.server === undefined) {
      context.addIssue({ code: 'custom', path: ['token'], message: 'a token goes with server (a kubeconfig carries its own credentials)' });
    }
    if (account.namespace !== undefined && account.namespaces !== undefined && !account.namespaces.includes(account.namespace)) {
      context.addIssue({ code: 'custom', path: ['namespace'], message: `must be one of namespaces (${account.namespaces.join(', ')})` });
    }
  })
  .transform((account) => ({
    ...account,
    namespace: account.namespace ?? account.namespaces?.[0] ?? 'default',
    /** In cluster with no namespace named: the pod's own namespace (the service account's `namespace` file) replaces `default` when the client is built. */
    podNamespace: account.inCluster === true && account.namespace === undefined && account.namespaces === undefined,
  }));

export type KubernetesAccountConfig = z.output<typeof kubernetesAccountSchema>;
export type KubernetesTrafficMode = KubernetesAccountConfig['traffic']['mode'];

/** The traffic mode of one cluster: its own setting, else the account's. */
export function trafficModeOf(account: Pick<KubernetesAccountConfig, 'traffic'>, cluster: string): KubernetesTrafficMode {
  return account.traffic.clusters?.[cluster]?.mode ?? account.traffic.mode;
}

/** The kubeconfig path, anchored at the accounts file. */
export function kubernetesAccountPaths(account: KubernetesAccountConfig, resolvePath: ResolvePath): KubernetesAccountConfig {
  return account.kubeconfig === undefined ? account : { ...account, kubeconfig: resolvePath(account.kubeconfig) };
}
