/**
 * The servers artifact accounts read, speaking their real wire formats:
 * - plain files over HTTP (`http/file`, and a Helm chart repository: `index.yaml` and the `.tgz`s
 *   `helm repo index` lists), behind HTTP Basic or a bearer token;
 * - GitHub's contents API (`GET /repos/<owner>/<repo>/contents/<path>?ref=` answers the file's
 *   metadata with its `download_url`, which serves the bytes), behind a token;
 * - GitLab's repository files API (`GET /api/v4/projects/<id>/repository/files/<url-encoded
 *   path>/raw?ref=`), behind a `PRIVATE-TOKEN` header.
 * A refused request answers 401 as each does; every request is logged.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenLocal, RequestLog } from '../httpServer';

export interface ArtifactFakeAuth {
  basic?: { username: string; password: string };
  bearer?: string;
  /** GitLab's `PRIVATE-TOKEN`. */
  privateToken?: string;
}

export interface ArtifactRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
}

export class ArtifactFake {
  private readonly files = new Map<string, Buffer>();
  private readonly github = new Map<string, Buffer>();
  private readonly gitlab = new Map<string, Buffer>();
  readonly requests = new RequestLog<ArtifactRequest>();
  private server: Server | undefined;
  port = 0;

  constructor(private readonly auth: ArtifactFakeAuth = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A file served at `path` (`/charts/index.yaml`); returns its URL. */
  serveFile(path: string, content: Buffer | string): string {
    this.files.set(path, Buffer.from(content));
    return `${this.url}${path}`;
  }

  /** A file in a GitHub repository at `ref`; returns its contents API URL (a github/file artifact's `reference`). */
  githubFile(repository: string, path: string, ref: string, content: Buffer | string): string {
    this.github.set(`${repository}/${ref}/${path}`, Buffer.from(content));
    return `${this.url}/repos/${repository}/contents/${path}`;
  }

  /** A file in a GitLab project at `ref`; returns its files API URL (a gitlab/file artifact's `reference`). */
  gitlabFile(project: string, path: string, ref: string, content: Buffer | string): string {
    this.gitlab.set(`${project}/${ref}/${path}`, Buffer.from(content));
    return `${this.url}/api/v4/projects/${project}/repository/files/${encodeURIComponent(path)}/raw`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.url);
      const answer = (status: number, body: Buffer | string, contentType = 'application/json') => {
        this.requests.add({ method: req.method ?? 'GET', path: url.pathname + url.search, status, ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }) });
        res.writeHead(status, { 'content-type': contentType });
        res.end(body);
      };
      const contents = /^\/repos\/([^/]+\/[^/]+)\/contents\/(.+)$/.exec(url.pathname);
      const raw = /^\/raw\/([^/]+\/[^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
      const gitlab = /^\/api\/v4\/projects\/([^/]+)\/repository\/files\/([^/]+)\/raw$/.exec(url.pathname);
      if (gitlab !== null) {
        if (this.auth.privateToken !== undefined && req.headers['private-token'] !== this.auth.privateToken) return answer(401, JSON.stringify({ message: '401 Unauthorized' }));
        const file = this.gitlab.get(`${decodeURIComponent(gitlab[1] ?? '')}/${url.searchParams.get('ref') ?? ''}/${decodeURIComponent(gitlab[2] ?? '')}`);
        return file === undefined ? answer(404, JSON.stringify({ message: '404 File Not Found' })) : answer(200, file, 'text/plain; charset=utf-8');
      }
      if (!this.authorized(req)) {
        this.requests.add({ method: req.method ?? 'GET', path: url.pathname, status: 401 });
        res.writeHead(401, { 'content-type': 'application/json', ...(this.auth.basic === undefined ? {} : { 'www-authenticate': 'Basic realm="artifacts"' }) });
        return res.end(JSON.stringify({ message: 'Requires authentication' }));
      }
      if (contents !== null) {
        const [repository, path] = [contents[1] ?? '', contents[2] ?? ''];
        // GitHub reads the default branch when no ref is given; the fake's is main.
        const ref = url.searchParams.get('ref') ?? 'main';
        const file = this.github.get(`${repository}/${ref}/${path}`);
        if (file === undefined) return answer(404, JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content' }));
        const name = path.split('/').at(-1) ?? path;
        return answer(200, JSON.stringify({
          type: 'file', encoding: 'base64', size: file.length, name, path, sha: 'f'.repeat(40),
          url: `${this.url}/repos/${repository}/contents/${path}?ref=${ref}`,
          download_url: `${this.url}/raw/${repository}/${ref}/${path}`,
          content: file.toString('base64'),
        }));
      }
      if (raw !== null) {
        const file = this.github.get(`${raw[1] ?? ''}/${raw[2] ?? ''}/${raw[3] ?? ''}`);
        return file === undefined ? answer(404, '404: Not Found', 'text/plain') : answer(200, file, 'text/plain; charset=utf-8');
      }
      const file = this.files.get(url.pathname);
      return file === undefined ? answer(404, 'not found', 'text/plain') : answer(200, file, url.pathname.endsWith('.tgz') ? 'application/gzip' : 'text/plain; charset=utf-8');
    });
    this.port = await listenLocal(this.server, 0);
    return this;
  }

  async stop(): Promise<void> {
    if (this.server !== undefined) await closeServer(this.server);
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (this.auth.basic === undefined && this.auth.bearer === undefined) return true;
    if (this.auth.bearer !== undefined && (header === `Bearer ${this.auth.bearer}` || header === `token ${this.auth.bearer}`)) return true;
    const basic = /^Basic (.+)$/.exec(header)?.[1];
    return this.auth.basic !== undefined && basic !== undefined && Buffer.from(basic, 'base64').toString('utf8') === `${this.auth.basic.username}:${this.auth.basic.password}`;
  }
}
