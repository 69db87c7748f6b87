import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPipelineFile, normalizeFolder, type RepositoryFile } from '@gantry/core';

/** A repository to read: any URL git fetches (https, ssh, file://), one branch, optional HTTP credentials. */
export interface GitSource {
  url: string;
  branch: string;
  /** Sent as HTTP basic auth (a token as the password for GitHub, GitLab and Bitbucket). */
  credentials?: { username: string; password: string };
}

/** git's answers are capped so a huge tree or blob cannot exhaust memory: a listing, and all pipeline files of a commit together. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

/**
 * A private bare copy of one branch, fetched with the `git` program (the same tool, protocols and
 * credential handling operators already know). Each instance has its own directory, so processes
 * and instances never share git's locks; calls on one instance are serialised.
 */
export class GitMirror {
  private dir: Promise<string> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly source: GitSource) {}

  /** Fetches the branch and answers its head commit. Idempotent: fetching twice changes nothing. */
  async fetchHead(): Promise<string> {
    return this.serial(async () => {
      const dir = await this.directory();
      await this.git(dir, ['fetch', '--no-tags', '--force', '--quiet', this.source.url, `+refs/heads/${this.source.branch}:refs/gantry/head`]);
      return (await this.git(dir, ['rev-parse', '--verify', 'refs/gantry/head^{commit}'])).trim();
    });
  }

  /** The pipeline files (JSON, YAML) under `folder` at `commit`, sorted by path. */
  async pipelineFiles(commit: string, folder: string): Promise<RepositoryFile[]> {
    return this.serial(async () => {
      const dir = await this.directory();
      const prefix = normalizeFolder(folder);
      const listed = await this.git(dir, ['ls-tree', '-r', '-z', '--name-only', commit, ...(prefix === '' ? [] : ['--', prefix])]);
      const paths = listed.split('\0').filter((path) => path !== '' && isPipelineFile(path, prefix)).sort();
      if (paths.length === 0) return [];
      // One `cat-file --batch` for every file: each answer is `<oid> blob <size>\n<bytes>\n`.
      const output = await this.gitBytes(dir, ['cat-file', '--batch'], paths.map((path) => `${commit}:${path}\n`).join(''));
      const files: RepositoryFile[] = [];
      let offset = 0;
      for (const path of paths) {
        const headerEnd = output.indexOf(0x0a, offset);
        const header = output.subarray(offset, headerEnd).toString('utf8').split(' ');
        const size = Number.parseInt(header[2] ?? '', 10);
        if (header[1] !== 'blob' || !Number.isFinite(size)) throw new Error(`git cat-file of ${path} at ${commit} answered '${header.join(' ')}'`);
        files.push({ path, text: output.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8') });
        offset = headerEnd + 1 + size + 1;
      }
      return files;
    });
  }

  private gitBytes(dir: string, args: string[], input: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile('git', ['-C', dir, ...args], { env: this.environment(), encoding: 'buffer', maxBuffer: MAX_BATCH_BYTES, timeout: 120_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0] ?? ''} of ${redact(this.source.url)} failed: ${(stderr.toString() || error.message).trim()}`));
        else resolve(stdout);
      });
      child.stdin?.end(input);
    });
  }

  private async directory(): Promise<string> {
    this.dir ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gantry-git-'));
      await this.git(dir, ['init', '--bare', '--quiet']);
      return dir;
    })();
    return this.dir;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private git(dir: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('git', ['-C', dir, ...args], { env: this.environment(), maxBuffer: MAX_FILE_BYTES, timeout: 120_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0] ?? ''} of ${redact(this.source.url)} failed: ${(stderr || error.message).trim().split('\n').slice(-3).join(' ')}`));
        else resolve(stdout);
      });
    });
  }

  /** Credentials go in the environment (git's config-by-environment), never on a command line that `ps` shows. */
  private environment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
    const credentials = this.source.credentials;
    if (credentials === undefined) return env;
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    return withGitAuthorization(env, `Basic ${basic}`);
  }
}

/**
 * `env` with an HTTP Authorization header for every request git makes, through git's
 * config-by-environment: a credential there is never on a command line that `ps` shows.
 */
export function withGitAuthorization(env: NodeJS.ProcessEnv, authorization: string | undefined): NodeJS.ProcessEnv {
  if (authorization === undefined) return env;
  return { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${authorization}` };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
