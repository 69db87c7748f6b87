/** Shared by the fake's tests: a real client-node configuration pointed at the fake, and polling. */
import * as k8s from '@kubernetes/client-node';

export interface Clients {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  batch: k8s.BatchV1Api;
}

/** As in FACTS.md: an explicit cluster, no credentials, namespace ns1 by default. */
export function clientsFor(url: string): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'nobody', namespace: 'ns1' }],
    currentContext: 'fake',
  });
  return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), custom: kc.makeApiClient(k8s.CustomObjectsApi), batch: kc.makeApiClient(k8s.BatchV1Api) };
}

export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const strategicMergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
export const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
export const serverSideApply = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);

export function deployment(name: string, options: { replicas?: number; image?: string; labels?: Record<string, string>; progressDeadlineSeconds?: number } = {}): k8s.V1Deployment {
  const labels = { app: name, ...options.labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: options.replicas ?? 1,
      progressDeadlineSeconds: options.progressDeadlineSeconds,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: options.image ?? 'registry.example/app:1.0.0', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

export { eventually } from '../../support/eventually';

/** The ApiException a call rejected with, with its Status body parsed (client-node leaves it a string). */
export async function apiError(call: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof k8s.ApiException)) throw error;
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return { code: error.code, status: body as Record<string, unknown>, headers: error.headers };
  }
  throw new Error('expected the call to fail');
}

/** A request without client-node, for bodies the typed client would not send (malformed, incomplete). */
export async function raw(url: string, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}
