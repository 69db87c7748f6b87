import { createHash } from 'node:crypto';

/**
 * Reads a repository's tags through the Docker Registry HTTP API v2 (`GET /v2/<name>/tags/list`),
 * for docker triggers on registries that cannot push notifications. Authentication follows the
 * registry's challenge: a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` is answered
 * by asking the realm for a token (with the credentials as HTTP Basic, or anonymously), a
 * `Basic` challenge by sending the credentials. Pages follow the `Link: <…>; rel="next"` header.
 */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface DockerRegistryClientOptions {
  /** `https://registry.example.com` (a path prefix is kept). */
  address: string;
  credentials?: RegistryCredentials;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A registry answered something a tag list cannot be read from; the message names the registry and repository. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth",service="registry",scope="repository:a/b:pull"` → its scheme and parameters. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of (match[2] ?? '').matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    if (key !== undefined) params[key.toLowerCase()] = (quoted ?? bare ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: (match[1] ?? '').toLowerCase(), params };
}

const MAX_PAGES = 100;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export class DockerRegistryClient {
  private readonly fetch: typeof fetch;
  private readonly base: string;
  /** Bearer tokens by scope, reused until the registry refuses one. */
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: DockerRegistryClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.base = options.address.replace(/\/+$/, '');
  }

  /** Every tag of `repository` (`org/name`), across pages. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `${this.base}/v2/${repository}/tags/list`;
    for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
      const response = await this.get(next, repository);
      const body = (await response.json()) as { tags?: unknown };
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((tag): tag is string => typeof tag === 'string'));
      next = nextPage(response.headers.get('link'), this.base);
    }
    return tags;
  }

  /**
   * A Helm chart pushed to an OCI registry (`helm push`): the image manifest of `tag`, then its
   * layer of media type `application/vnd.cncf.helm.chart.content.v1.tar+gzip`, checked against its
   * digest. The chart's `.tgz`, as `helm pull oci://…` saves it.
   */
  async pullHelmChart(repository: string, tag: string): Promise<Buffer> {
    const what = `chart ${repository}:${tag}`;
    const manifest = (await (await this.get(`${this.base}/v2/${repository}/manifests/${encodeURIComponent(tag)}`, repository, what, OCI_MANIFEST)).json()) as { layers?: { mediaType?: unknown; digest?: unknown }[] };
    const layer = (manifest.layers ?? []).find((candidate) => candidate.mediaType === HELM_CHART_LAYER);
    if (typeof layer?.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(layer.digest)) {
      throw new RegistryError(`${this.options.address}: ${what} is not a Helm chart (no ${HELM_CHART_LAYER} layer)`);
    }
    const blob = Buffer.from(await (await this.get(`${this.base}/v2/${repository}/blobs/${layer.digest}`, repository, what, '*/*')).arrayBuffer());
    if (`sha256:${createHash('sha256').update(blob).digest('hex')}` !== layer.digest) throw new RegistryError(`${this.options.address}: ${what}: the layer does not match its digest ${layer.digest}`);
    return blob;
  }

  private async get(url: string, repository: string, what = `the tags of ${repository}`, accept = 'application/json'): Promise<Response> {
    const scope = `repository:${repository}:pull`;
    let response = await this.request(url, this.authorization(scope), accept);
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
      await response.body?.cancel();
      response = await this.request(url, await this.answer(challenge, scope, repository), accept);
    }
    if (response.status === 404) throw new RegistryError(`${this.options.address}: ${what} not found`);
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(`${this.options.address}: not allowed to read ${what} (${response.status}); check the registry's credentials`);
    }
    if (!response.ok) throw new RegistryError(`${this.options.address}: reading ${what} answered ${response.status}`);
    return response;
  }

  private authorization(scope: string): string | undefined {
    const token = this.tokens.get(scope);
    return token === undefined ? undefined : `Bearer ${token}`;
  }

  private async answer(challenge: Challenge | undefined, scope: string, repository: string): Promise<string> {
    const basic = this.options.credentials === undefined ? undefined : `Basic ${Buffer.from(`${this.options.credentials.username}:${this.options.credentials.password}`).toString('base64')}`;
    if (challenge?.scheme === 'basic') {
      if (basic === undefined) throw new RegistryError(`${this.options.address}: the registry wants credentials to list ${repository}`);
      return basic;
    }
    const realm = challenge?.scheme === 'bearer' ? challenge.params.realm : undefined;
    if (realm === undefined) throw new RegistryError(`${this.options.address}: a 401 without a Bearer or Basic challenge for ${repository}`);
    const tokenUrl = new URL(realm);
    if (challenge?.params.service !== undefined) tokenUrl.searchParams.set('service', challenge.params.service);
    tokenUrl.searchParams.set('scope', challenge?.params.scope ?? scope);
    const response = await this.request(tokenUrl.toString(), basic);
    if (!response.ok) throw new RegistryError(`${this.options.address}: the token service ${tokenUrl.origin} answered ${response.status} for ${repository}`);
    const body = (await response.json()) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (token === undefined) throw new RegistryError(`${this.options.address}: the token service answered no token`);
    this.tokens.set(scope, token);
    return `Bearer ${token}`;
  }

  private request(url: string, authorization: string | undefined, accept = 'application/json'): Promise<Response> {
    return this.fetch(url, {
      headers: { accept, ...(authorization === undefined ? {} : { authorization }) },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      redirect: 'follow',
    });
  }
}

/** `</v2/a/tags/list?n=2&last=b>; rel="next"` → the absolute URL of the next page. */
function nextPage(link: string | null, base: string): string | undefined {
  const target = link === null ? undefined : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1];
  if (target === undefined) return undefined;
  return new URL(target, `${base}/`).toString();
}
