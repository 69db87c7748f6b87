/**
 * A real git server for `git/repo` artifacts: git's own smart-HTTP CGI (`git http-backend`)
 * behind a node:http server that asks for HTTP Basic credentials, as a Git host does. Repositories
 * are real ones made with git under `root`; `git clone http://…/<name>.git` works against it.
 */
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, listenLocal } from '../httpServer';

const GIT_ENV = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com' };

export class GitServer {
  readonly root = mkdtempSync(join(tmpdir(), 'gantry-git-'));
  private server: Server | undefined;
  port = 0;
  /** Requests refused for their credentials. */
  refused = 0;

  constructor(private readonly credentials?: { username: string; password: string }) {}

  /** The clone URL of repository `name`. */
  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}.git`;
  }

  /**
   * Commits the folders `files` names (destination in the repository → source folder) on `branch`
   * of repository `name` (made on first use), and returns the commit.
   */
  commit(name: string, branch: string, files: Record<string, string>, message = 'update'): string {
    const bare = join(this.root, `${name}.git`);
    const work = mkdtempSync(join(tmpdir(), 'gantry-git-work-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env: { ...process.env, ...GIT_ENV }, stdio: 'pipe' }).toString().trim();
    try {
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', branch, bare], { stdio: 'pipe' });
      git('init', '--quiet', '--initial-branch', branch);
      git('remote', 'add', 'origin', bare);
      if (git('ls-remote', 'origin', `refs/heads/${branch}`) !== '') {
        git('fetch', '--quiet', 'origin', branch);
        git('checkout', '--quiet', '-B', branch, 'FETCH_HEAD');
      }
      for (const [destination, source] of Object.entries(files)) {
        const target = join(work, destination);
        rmSync(target, { recursive: true, force: true });
        mkdirSync(target, { recursive: true });
        cpSync(source, target, { recursive: true });
      }
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      return git('rev-parse', 'HEAD');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      if (this.credentials !== undefined) {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (basic === undefined || Buffer.from(basic, 'base64').toString('utf8') !== `${this.credentials.username}:${this.credentials.password}`) {
          this.refused += 1;
          res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
          return res.end();
        }
      }
      const url = new URL(req.url ?? '/', 'http://git');
      const cgi = spawn('git', ['http-backend'], {
        env: {
          ...process.env,
          GIT_PROJECT_ROOT: this.root,
          GIT_HTTP_EXPORT_ALL: '1',
          PATH_INFO: decodeURIComponent(url.pathname),
          QUERY_STRING: url.search.slice(1),
          REQUEST_METHOD: req.method ?? 'GET',
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          ...(req.headers['content-encoding'] === undefined ? {} : { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) }),
          ...(req.headers['git-protocol'] === undefined ? {} : { GIT_PROTOCOL: String(req.headers['git-protocol']) }),
          REMOTE_USER: this.credentials?.username ?? 'anonymous',
        },
      });
      req.pipe(cgi.stdin);
      // A CGI answer: headers, a blank line, the body.
      let head = Buffer.alloc(0);
      let headersSent = false;
      cgi.stdout.on('data', (chunk: Buffer) => {
        if (headersSent) return void res.write(chunk);
        head = Buffer.concat([head, chunk]);
        const crlf = head.indexOf('\r\n\r\n');
        const lf = head.indexOf('\n\n');
        const [end, gap] = crlf !== -1 && (lf === -1 || crlf < lf) ? [crlf, 4] : [lf, 2];
        if (end === -1) return;
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
          const colon = line.indexOf(':');
          const [key, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
          if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
          else headers[key] = value;
        }
        res.writeHead(status, headers);
        headersSent = true;
        res.write(head.subarray(end + gap));
      });
      cgi.on('close', () => {
        if (!headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.port = await listenLocal(this.server, 0);
    return this;
  }

  async stop(): Promise<void> {
    if (this.server !== undefined) await closeServer(this.server);
    rmSync(this.root, { recursive: true, force: true });
  }
}
