import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs git in `cwd`, answering its output. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return stdout.trim();
}

export interface GitHttpServer {
  /** The repository's URL, as a git host serves it. */
  url: string;
  /** A clone to commit in and push from (over HTTP, like a developer). */
  work: string;
  /** Writes files (path → text, null removes), commits them and pushes; answers the commit. */
  commit(files: Record<string, string | null>, message: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A bare repository served over HTTP by git's own smart-HTTP server, `git http-backend`, run as a
 * CGI program per request (what Apache or nginx do in front of it), so clients speak the real
 * protocol, pushes included.
 */
export async function startGitHttpServer(): Promise<GitHttpServer> {
  const root = await mkdtemp(join(tmpdir(), 'gantry-git-http-'));
  await git(root, 'init', '--bare', '--quiet', '--initial-branch=main', 'repo.git');
  await git(join(root, 'repo.git'), 'config', 'http.receivepack', 'true');
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://git.test');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: request.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    request.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else response.setHeader(name, value);
      }
      response.writeHead(status);
      response.write(head.subarray(end + 4));
    });
    cgi.on('close', () => response.end());
    cgi.on('error', () => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
  const work = join(root, 'work');
  await git(root, 'clone', '--quiet', url, work);
  await git(work, 'config', 'user.email', 'dev@example.test');
  await git(work, 'config', 'user.name', 'Dev');
  await git(work, 'checkout', '--quiet', '-B', 'main');
  return {
    url,
    work,
    async commit(files, message) {
      for (const [path, text] of Object.entries(files)) {
        if (text === null) await git(work, 'rm', '--quiet', path);
        else {
          await mkdir(dirname(join(work, path)), { recursive: true });
          await writeFile(join(work, path), text);
          await git(work, 'add', path);
        }
      }
      await git(work, 'commit', '--quiet', '-m', message);
      await git(work, 'push', '--quiet', 'origin', 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
