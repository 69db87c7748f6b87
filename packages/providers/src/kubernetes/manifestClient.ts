import { ApiException, HttpMethod, KubernetesObjectApi, PatchStrategy, type KubeConfig, type ResponseContext } from '@kubernetes/client-node';
import type { AccountConfig } from '../accounts';
import { ProviderError, nullIfNotFound } from '../errors';
import { observeProviderCall } from '../ObservedProvider';
import { THROTTLED_REQUEST_RETRY, withRetry } from '../retry';
import type { KubernetesAccountConfig } from './account';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './client';
import { toProviderError } from './errors';
import { buildKubeConfig, effectiveAccount } from './kubeConfig';

/**
 * Manifests of any kind on one account (docs/architecture.md "Kubernetes manifests"): discovery
 * maps a kind to its REST path and scope, as kubectl does, so custom resources work like
 * built-in ones; writes are server-side applies with field manager `gantry`. Objects travel as
 * plain JSON (client-node's typed models would drop fields they do not know).
 */
export type KubeJson = Record<string, unknown>;

export interface ApiResource {
  /** `apps/v1`, `v1`. */
  apiVersion: string;
  kind: string;
  /** The REST name, `deployments`. */
  plural: string;
  namespaced: boolean;
}

export const FIELD_MANAGER = 'gantry';

export type PatchKind = 'strategic' | 'merge' | 'json';

const PATCH_CONTENT_TYPES: Record<PatchKind, string> = {
  strategic: PatchStrategy.StrategicMergePatch,
  merge: PatchStrategy.MergePatch,
  json: PatchStrategy.JsonPatch,
};

/** client-node's request machinery (auth, TLS, exec credential plugins) with JSON in and out. */
class JsonApi extends KubernetesObjectApi {
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;

  async send(method: HttpMethod, path: string, query: Record<string, string> = {}, body?: { contentType: string; value: unknown }): Promise<KubeJson> {
    const context = this.configuration.baseServer.makeRequestContext(path, method);
    context.setHeaderParam('Accept', 'application/json');
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    if (body !== undefined) {
      context.setHeaderParam('Content-Type', body.contentType);
      context.setBody(JSON.stringify(body.value));
    }
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
    return this.requestPromise<KubeJson>(context);
  }

  protected override async processResponse(response: ResponseContext): Promise<never> {
    const text = await response.body.text();
    // Pod logs are the one text answer (`…/pods/<name>/log`): handed back as `{ text }`.
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299 && (response.headers['content-type'] ?? '').startsWith('text/plain')) return { text } as never;
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return (text.trim() === '' ? {} : JSON.parse(text)) as never;
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', text, response.headers);
  }
}

export class KubernetesManifests {
  private readonly api: JsonApi;
  private discovered: Promise<ApiResource[]> | undefined;

  constructor(
    readonly account: KubernetesAccountConfig,
    kc: KubeConfig,
  ) {
    this.api = kc.makeApiClient(JsonApi);
  }

  /** The namespace a stage acts in when it names none: the account's. */
  get defaultNamespace(): string {
    return this.account.namespace;
  }

  /** Refuses a namespace outside the account's `namespaces`. */
  checkNamespace(namespace: string, operation: string): void {
    const allowed = this.account.namespaces;
    if (allowed !== undefined && !allowed.includes(namespace)) {
      throw this.fatal(operation, namespace, `namespace ${namespace} is not one of the account's namespaces (${allowed.join(', ')})`);
    }
  }

  /**
   * The resource of a kind (`Deployment`, `deployment`, `replicaSet`; with `apiVersion` when the
   * caller knows it, which tells apart kinds two groups share). Discovery is read once and again
   * when a kind is missing (a CRD created since). A kind the cluster does not serve is Fatal.
   */
  async resourceFor(kind: string, apiVersion?: string): Promise<ApiResource> {
    const find = (resources: ApiResource[]) =>
      resources.find((r) => r.kind.toLowerCase() === kind.toLowerCase() && (apiVersion === undefined || r.apiVersion === apiVersion)) ??
      resources.find((r) => r.plural === kind.toLowerCase() && apiVersion === undefined);
    const known = find(await this.discovery());
    if (known) return known;
    this.discovered = undefined;
    const fresh = find(await this.discovery());
    if (fresh) return fresh;
    throw this.fatal('discovery', undefined, `the cluster does not serve kind ${kind}${apiVersion === undefined ? '' : ` in ${apiVersion}`} (not in its API discovery: a missing CRD?)`);
  }

  /** Server-side apply of `manifest` (namespace already set for namespaced kinds); answers the live object. */
  async apply(manifest: KubeJson & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<KubeJson> {
    const resource = await this.resourceFor(manifest.kind, manifest.apiVersion);
    const namespace = resource.namespaced ? manifest.metadata.namespace ?? this.defaultNamespace : undefined;
    const body = { ...manifest, metadata: { ...manifest.metadata, ...(namespace === undefined ? {} : { namespace }) } };
    if (!resource.namespaced) delete body.metadata.namespace;
    return this.call('apply', namespace, manifest.metadata.name, resource, () =>
      this.api.send(HttpMethod.PATCH, this.path(resource, namespace, manifest.metadata.name), { fieldManager: FIELD_MANAGER, force: 'true' }, { contentType: PatchStrategy.ServerSideApply, value: body }),
    );
  }

  /**
   * `kubectl replace` (strategy.spinnaker.io/replace): the whole object is written (PUT, field
   * manager `gantry`), so fields left out of the manifest go even when another manager owns them;
   * an object not there yet is created. The PUT carries no resourceVersion: the write is
   * unconditional, as kubectl's is, and a repeat writes the same object again.
   */
  async replace(manifest: KubeJson & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<KubeJson> {
    const resource = await this.resourceFor(manifest.kind, manifest.apiVersion);
    const namespace = resource.namespaced ? manifest.metadata.namespace ?? this.defaultNamespace : undefined;
    const metadata: KubeJson = { ...manifest.metadata, ...(namespace === undefined ? {} : { namespace }) };
    if (!resource.namespaced) delete metadata.namespace;
    delete metadata.resourceVersion;
    const body = { ...manifest, metadata };
    const json = (value: unknown) => ({ contentType: 'application/json', value });
    const replaced = await nullIfNotFound(this.call('replace', namespace, manifest.metadata.name, resource, () =>
      this.api.send(HttpMethod.PUT, this.path(resource, namespace, manifest.metadata.name), { fieldManager: FIELD_MANAGER }, json(body)),
    ));
    if (replaced !== null) return replaced;
    return this.call('create', namespace, manifest.metadata.name, resource, () =>
      this.api.send(HttpMethod.POST, this.path(resource, namespace), { fieldManager: FIELD_MANAGER }, json(body)),
    );
  }

  async get(resource: ApiResource, namespace: string | undefined, name: string): Promise<KubeJson | null> {
    return nullIfNotFound(this.call('get', namespace, name, resource, () => this.api.send(HttpMethod.GET, this.path(resource, namespace, name))));
  }

  async list(resource: ApiResource, namespace: string | undefined, labelSelector?: string): Promise<KubeJson[]> {
    const list = await this.call('list', namespace, undefined, resource, () =>
      this.api.send(HttpMethod.GET, this.path(resource, namespace), labelSelector === undefined ? {} : { labelSelector }),
    );
    const items = Array.isArray(list.items) ? (list.items as KubeJson[]) : [];
    // List items carry no kind; callers hand them to per-kind rules.
    return items.map((item) => ({ apiVersion: resource.apiVersion, kind: resource.kind, ...item }));
  }

  async patch(resource: ApiResource, namespace: string | undefined, name: string, kind: PatchKind, patch: unknown): Promise<KubeJson> {
    return this.call('patch', namespace, name, resource, () =>
      this.api.send(HttpMethod.PATCH, this.path(resource, namespace, name), { fieldManager: FIELD_MANAGER }, { contentType: PATCH_CONTENT_TYPES[kind], value: patch }),
    );
  }

  /** Deletes; answers false when it was already gone (a repeat after a crash). */
  async delete(resource: ApiResource, namespace: string | undefined, name: string, options: { propagationPolicy: 'Background' | 'Foreground' | 'Orphan'; gracePeriodSeconds?: number }): Promise<boolean> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...options };
    const deleted = await nullIfNotFound(this.call('delete', namespace, name, resource, () =>
      this.api.send(HttpMethod.DELETE, this.path(resource, namespace, name), {}, { contentType: 'application/json', value: body }),
    ));
    return deleted !== null;
  }

  /** The last `tailLines` lines of one container's log (what `kubectl logs --tail` shows). */
  async logs(namespace: string, pod: string, container: string, tailLines: number): Promise<string> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
    const answer = await this.call('logs', namespace, pod, { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true }, () =>
      this.api.send(HttpMethod.GET, path, { container, tailLines: String(tailLines) }),
    );
    return typeof answer.text === 'string' ? answer.text : '';
  }

  private path(resource: ApiResource, namespace: string | undefined, name?: string): string {
    const root = resource.apiVersion.includes('/') ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
    const scoped = resource.namespaced && namespace !== undefined ? `${root}/namespaces/${encodeURIComponent(namespace)}` : root;
    return `${scoped}/${resource.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  private discovery(): Promise<ApiResource[]> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      throw error;
    });
    return this.discovered;
  }

  /** The preferred version of every group, as kubectl maps kinds (legacy, non-aggregated documents). */
  private async discover(): Promise<ApiResource[]> {
    const get = (path: string) => this.call('discovery', undefined, undefined, undefined, () => this.api.send(HttpMethod.GET, path));
    const groups = await get('/apis');
    const versions = ['v1', ...(Array.isArray(groups.groups) ? groups.groups : []).flatMap((group) => {
      const preferred = (group as { preferredVersion?: { groupVersion?: unknown } }).preferredVersion?.groupVersion;
      return typeof preferred === 'string' ? [preferred] : [];
    })];
    const lists = await Promise.all(versions.map((version) => get(version === 'v1' ? '/api/v1' : `/apis/${version}`).catch((error: unknown) => {
      // One broken aggregated API (a metrics server that is down) must not hide every other kind.
      if (error instanceof ProviderError && error.kind !== 'Throttled') return { resources: [] };
      throw error;
    })));
    return lists.flatMap((list, index) => (Array.isArray(list.resources) ? (list.resources as KubeJson[]) : [])
      .filter((r) => typeof r.name === 'string' && !r.name.includes('/') && typeof r.kind === 'string')
      .map((r) => ({ apiVersion: versions[index] ?? 'v1', kind: String(r.kind), plural: String(r.name), namespaced: r.namespaced === true })));
  }

  /** One request, retried when throttled, and observed like any provider call (a span under the task, the metrics). */
  private call<T>(operation: string, namespace: string | undefined, name: string | undefined, resource: ApiResource | undefined, request: () => Promise<T>): Promise<T> {
    const target = { provider: 'kubernetes' as const, operation, account: this.account.name, location: namespace, attributes: { 'k8s.resource.kind': resource?.kind } };
    return observeProviderCall(target, () => withRetry(async () => {
      try {
        return await request();
      } catch (error) {
        throw toProviderError(error, {
          operation,
          account: this.account.name,
          ...(namespace === undefined ? {} : { namespace }),
          ...(resource === undefined || name === undefined ? {} : { resource: { type: resource.kind, name } }),
        });
      }
    }, THROTTLED_REQUEST_RETRY));
  }

  private fatal(operation: string, namespace: string | undefined, reason: string): ProviderError {
    return new ProviderError({ kind: 'Fatal', provider: 'kubernetes', operation, account: this.account.name, ...(namespace === undefined ? {} : { location: namespace }), reason });
  }
}

const clients = new WeakMap<AccountConfig, KubernetesManifests>();

/**
 * The manifest client of a configured account, built once per account (it caches discovery).
 * Manifest stages need a kubernetes account; any other is Fatal, naming it.
 */
export function manifestsFor(account: AccountConfig, env: NodeJS.ProcessEnv = process.env): KubernetesManifests {
  if (account.provider !== 'kubernetes') {
    throw new ProviderError({ kind: 'Fatal', provider: account.provider, operation: 'connect', account: account.name, reason: `account ${account.name} is a ${account.provider} account; manifest stages need a kubernetes account` });
  }
  const cached = clients.get(account);
  if (cached) return cached;
  const effective = effectiveAccount(account, env);
  const created = new KubernetesManifests(effective, buildKubeConfig(effective, env));
  clients.set(account, created);
  return created;
}
