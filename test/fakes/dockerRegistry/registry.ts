/**
 * A Docker Registry HTTP API v2 fake, stateful and speaking the real wire format: `/v2/` and
 * `/v2/<name>/tags/list` answer 401 with a `WWW-Authenticate: Bearer realm=…,service=…,scope=…`
 * challenge until the client brings a token from the realm (`/token`, which wants HTTP Basic
 * credentials and answers `{token, access_token, expires_in}`), or, in `basic` mode, a
 * `WWW-Authenticate: Basic realm=…` challenge. Tag lists page with `?n=` and a
 * `Link: <…>; rel="next"` header, as the distribution registry does. A Helm chart pushed with
 * `pushHelmChart` is served as `helm push` stores it: an OCI image manifest
 * (`/v2/<name>/manifests/<tag>`) whose layer of media type
 * `application/vnd.cncf.helm.chart.content.v1.tar+gzip` is the chart's `.tgz` (`/v2/<name>/blobs/<digest>`).
 */
import { createServer, type Server } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { closeServer, listenLocal, RequestLog } from '../httpServer';

export interface RegistryFakeOptions {
  /** `token`: the Bearer challenge flow (Docker Hub, GHCR, distribution with token auth); `basic`: HTTP Basic. */
  auth: 'token' | 'basic' | 'none';
  username: string;
  password: string;
  /** Tags per page when the client does not ask (`n`); the real registry's default is larger. */
  pageSize?: number;
}

export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
}

const SERVICE = 'registry.fake';

export class DockerRegistryFake {
  private readonly tags = new Map<string, string[]>();
  private readonly tokens = new Map<string, string>(); // token → the scope it grants
  private readonly manifests = new Map<string, string>(); // `<name>:<tag>` → manifest JSON
  private readonly blobs = new Map<string, Buffer>(); // `<name>@<digest>` → content
  readonly requests = new RequestLog<RegistryRequest>();
  private server: Server | undefined;
  port = 0;

  constructor(private readonly options: RegistryFakeOptions) {}

  get address(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `docker push <registry>/<repository>:<tag>`, as far as the tag list is concerned. */
  push(repository: string, tag: string): void {
    const tags = this.tags.get(repository) ?? [];
    if (!tags.includes(tag)) tags.push(tag);
    this.tags.set(repository, tags);
  }

  /** `helm push chart.tgz oci://<registry>/<path>`: the chart under `<repository>:<tag>`. */
  pushHelmChart(repository: string, tag: string, chart: Buffer): void {
    const digest = (content: Buffer | string) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const config = Buffer.from(JSON.stringify({ name: repository.split('/').at(-1), version: tag, apiVersion: 'v2' }));
    this.blobs.set(`${repository}@${digest(config)}`, config);
    this.blobs.set(`${repository}@${digest(chart)}`, chart);
    this.manifests.set(`${repository}:${tag}`, JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: digest(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: digest(chart), size: chart.length }],
      annotations: { 'org.opencontainers.image.title': repository.split('/').at(-1), 'org.opencontainers.image.version': tag },
    }));
    this.push(repository, tag);
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.address);
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        this.requests.add({ method: req.method ?? 'GET', path: url.pathname + url.search, status });
        res.writeHead(status, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', ...headers });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/token') return this.token(req.headers.authorization, url, answer);
      const tagsPath = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
      const contentPath = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
      const repository = tagsPath?.[1] ?? contentPath?.[1];
      const scope = repository === undefined ? undefined : `repository:${repository}:pull`;
      if (url.pathname !== '/v2/' && tagsPath === null && contentPath === null) return answer(404, { errors: [{ code: 'NOT_FOUND', message: 'unknown path' }] });
      if (!this.authorized(req.headers.authorization, scope)) {
        const challenge =
          this.options.auth === 'basic'
            ? `Basic realm="${SERVICE}"`
            : `Bearer realm="${this.address}/token",service="${SERVICE}"${scope === undefined ? '' : `,scope="${scope}"`}`;
        return answer(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: scope === undefined ? null : [{ Type: 'repository', Name: repository, Action: 'pull' }] }] }, { 'www-authenticate': challenge });
      }
      if (contentPath !== null) {
        const [kind, reference] = [contentPath[2], decodeURIComponent(contentPath[3] ?? '')];
        const content = kind === 'manifests' ? this.manifests.get(`${repository ?? ''}:${reference}`) : this.blobs.get(`${repository ?? ''}@${reference}`);
        if (content === undefined) return answer(404, { errors: [{ code: kind === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', message: `${kind === 'manifests' ? 'manifest' : 'blob'} unknown`, detail: { name: repository, reference } }] });
        this.requests.add({ method: req.method ?? 'GET', path: url.pathname, status: 200 });
        res.writeHead(200, { 'content-type': kind === 'manifests' ? 'application/vnd.oci.image.manifest.v1+json' : 'application/octet-stream', 'docker-distribution-api-version': 'registry/2.0' });
        return res.end(content);
      }
      if (tagsPath === null) return answer(200, {});
      const name = tagsPath[1] ?? '';
      const all = this.tags.get(name);
      if (all === undefined) return answer(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name } }] });
      const sorted = [...all].sort();
      const last = url.searchParams.get('last');
      const n = Number(url.searchParams.get('n') ?? this.options.pageSize ?? 100);
      const from = last === null ? sorted : sorted.filter((tag) => tag > last);
      const page = from.slice(0, n);
      const headers: Record<string, string> =
        from.length > n ? { link: `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1) ?? '')}>; rel="next"` } : {};
      return answer(200, { name, tags: page }, headers);
    });
    this.port = await listenLocal(this.server, port);
  }

  async stop(): Promise<void> {
    if (this.server !== undefined) await closeServer(this.server);
  }

  private token(authorization: string | undefined, url: URL, answer: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    if (url.searchParams.get('service') !== SERVICE) return answer(400, { errors: [{ code: 'DENIED', message: 'unknown service' }] });
    if (!this.credentialsOk(authorization)) return answer(401, { errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] });
    const token = randomUUID();
    this.tokens.set(token, url.searchParams.get('scope') ?? '');
    answer(200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  }

  private authorized(header: string | undefined, scope: string | undefined): boolean {
    if (this.options.auth === 'none') return true;
    if (this.options.auth === 'basic') return this.credentialsOk(header);
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (token === undefined || !this.tokens.has(token)) return false;
    // A token is for the scope it was asked for: another repository needs another token.
    return scope === undefined || this.tokens.get(token) === scope;
  }

  private credentialsOk(header: string | undefined): boolean {
    const encoded = /^Basic (.+)$/.exec(header ?? '')?.[1];
    if (encoded === undefined) return false;
    return Buffer.from(encoded, 'base64').toString('utf8') === `${this.options.username}:${this.options.password}`;
  }
}
