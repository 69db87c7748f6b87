import { execFile } from 'node:child_process';
import { EMBEDDED_ARTIFACT_ACCOUNT, NO_AUTH_HTTP_ACCOUNT, type ArtifactAccountConfig } from '@gantry/config';
import type { Artifact } from '@gantry/core';
import { parse as parseYaml } from 'yaml';
import { DockerRegistryClient, RegistryError } from '../dockerRegistry/client';
import { withGitAuthorization } from '../git/GitMirror';

/**
 * Fetches artifacts through artifact accounts, as clouddriver's artifact credentials do for rosco:
 * each account type reads the artifact types it knows, with its credentials (secrets read at the
 * moment of use). File artifacts come back as bytes; a `git/repo` is cloned into a folder.
 *
 * Every read is idempotent: nothing is written anywhere but the caller's folder.
 */

/**
 * A fetch that did not give the artifact. `transient`: worth trying again (5xx, network, timeout);
 * `fatal`: it will not change by itself (not found, credentials refused, wrong account).
 */
export class ArtifactError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'fatal',
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

export interface ArtifactAccountsOptions {
  /** The configured accounts by name (`artifactAccounts`). */
  accounts: Readonly<Record<string, ArtifactAccountConfig>>;
  /** A secret's value by name, undefined when none is configured. */
  secret: (name: string) => string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The git binary (default `git` on PATH). */
  git?: string;
}

/** Which artifact types each account type reads (clouddriver's `handlesType`). */
const TYPES: Record<ArtifactAccountConfig['type'] | 'embedded', readonly string[]> = {
  http: ['http/file'],
  github: ['github/file'],
  gitlab: ['gitlab/file'],
  helm: ['helm/chart'],
  gitRepo: ['git/repo'],
  embedded: ['embedded/base64'],
};

type Account = ArtifactAccountConfig | { type: 'embedded' };

export class ArtifactAccounts {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ArtifactAccountsOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** The account names a stage may give, the built-in two first. */
  names(): string[] {
    return [NO_AUTH_HTTP_ACCOUNT, EMBEDDED_ARTIFACT_ACCOUNT, ...Object.keys(this.options.accounts)];
  }

  /**
   * The bytes of a file artifact (`embedded/base64`, `http/file`, `github/file`, `gitlab/file`,
   * `helm/chart`: the chart's `.tgz`), read through `accountName` (else the artifact's
   * `artifactAccount`; an embedded artifact needs none).
   */
  async download(artifact: Artifact, accountName?: string): Promise<Buffer> {
    const { name, account } = this.accountFor(artifact, accountName);
    const label = describe(artifact);
    switch (account.type) {
      case 'embedded':
        return Buffer.from(artifact.reference ?? '', 'base64');
      case 'http':
        return this.read(required(artifact.reference, label, 'reference (the URL)'), this.authorization(account, name), label);
      case 'github': {
        // clouddriver's GitHub credentials: the contents API's answer names the file's download_url.
        const url = withRef(required(artifact.reference, label, 'reference (the contents API URL)'), artifact.version);
        const metadata = parseJson(await this.read(url, this.authorization(account, name), label, 'application/vnd.github+json'), label);
        const downloadUrl = typeof metadata.download_url === 'string' ? metadata.download_url : undefined;
        if (downloadUrl === undefined) throw new ArtifactError(`${label}: GitHub answered no download_url (is it a file?)`, 'fatal');
        return this.read(downloadUrl, this.authorization(account, name), label);
      }
      case 'gitlab': {
        const url = withRef(required(artifact.reference, label, 'reference (the files API URL)'), artifact.version ?? 'main');
        const token = account.tokenSecret === undefined ? undefined : this.secret(account.tokenSecret, name);
        return this.read(url, undefined, label, undefined, token === undefined ? {} : { 'private-token': token });
      }
      case 'helm':
        return this.chart(artifact, account, name, label);
      case 'gitRepo':
        throw new ArtifactError(`${label}: a git/repo artifact is a repository, not a file`, 'fatal');
    }
  }

  /**
   * Clones a `git/repo` artifact (`reference` the URL, `version` the branch or tag, default the
   * remote's default branch) into `into`, one commit deep, with the account's credentials given to
   * git through its environment (never on its command line). Returns the commit checked out.
   */
  async checkout(artifact: Artifact, into: string, accountName?: string): Promise<string> {
    const { name, account } = this.accountFor(artifact, accountName);
    const label = describe(artifact);
    if (account.type !== 'gitRepo') throw new ArtifactError(`${label}: only a gitRepo account clones repositories`, 'fatal');
    const url = required(artifact.reference, label, 'reference (the repository URL)');
    if (!/^(https?|ssh|git|file):\/\//.test(url) && !/^[\w.-]+@[\w.-]+:/.test(url)) throw new ArtifactError(`${label}: reference ${url} is not a git URL`, 'fatal');
    const authorization = this.authorization(account, name);
    const env = withGitAuthorization({ ...process.env, GIT_TERMINAL_PROMPT: '0' }, authorization);
    const branch = artifact.version !== undefined && artifact.version !== '' ? ['--branch', artifact.version] : [];
    await this.git(['clone', '--quiet', '--depth', '1', ...branch, '--', url, into], env, label);
    return (await this.git(['-C', into, 'rev-parse', 'HEAD'], env, label)).trim();
  }

  private accountFor(artifact: Artifact, accountName: string | undefined): { name: string; account: Account } {
    // An embedded artifact carries its content: it needs no account named.
    const name = (accountName !== undefined && accountName !== '' ? accountName : artifact.artifactAccount) ?? (artifact.type === 'embedded/base64' ? EMBEDDED_ARTIFACT_ACCOUNT : undefined);
    let account: Account | undefined;
    if (name === EMBEDDED_ARTIFACT_ACCOUNT) account = { type: 'embedded' };
    else if (name === NO_AUTH_HTTP_ACCOUNT) account = { type: 'http' };
    else if (name !== undefined) account = this.options.accounts[name];
    if (name === undefined) throw new ArtifactError(`${describe(artifact)}: no artifact account (give the input's account or the artifact's artifactAccount)`, 'fatal');
    if (account === undefined) throw new ArtifactError(`${describe(artifact)}: no artifact account named ${name} (configured: ${this.names().join(', ')})`, 'fatal');
    if (!TYPES[account.type].includes(artifact.type)) {
      throw new ArtifactError(`${describe(artifact)}: artifact account ${name} reads ${TYPES[account.type].join(', ')}, not ${artifact.type}`, 'fatal');
    }
    return { name, account };
  }

  private secret(secretName: string, account: string): string {
    const value = this.options.secret(secretName);
    if (value === undefined) throw new ArtifactError(`artifact account ${account}: secret ${secretName} is not configured (GANTRY_SECRET_${secretName.toUpperCase().replace(/-/g, '_')} or secrets)`, 'fatal');
    return value;
  }

  /** `Bearer <token>` with a token, HTTP Basic with a user, nothing otherwise. */
  private authorization(account: Account, name: string): string | undefined {
    if (account.type === 'embedded' || account.type === 'gitlab') return undefined;
    if (account.tokenSecret !== undefined) return `Bearer ${this.secret(account.tokenSecret, name)}`;
    if (account.username !== undefined) {
      const password = account.passwordSecret === undefined ? '' : this.secret(account.passwordSecret, name);
      return `Basic ${Buffer.from(`${account.username}:${password}`).toString('base64')}`;
    }
    return undefined;
  }

  /** A chart's `.tgz`: from an OCI registry, or through the HTTP repository's `index.yaml` (the newest version when none is given). */
  private async chart(artifact: Artifact, account: Extract<ArtifactAccountConfig, { type: 'helm' }>, name: string, label: string): Promise<Buffer> {
    const chart = required(artifact.name, label, 'name (the chart)');
    if (account.repository.startsWith('oci://')) {
      const [host, ...path] = account.repository.slice('oci://'.length).replace(/\/+$/, '').split('/');
      const version = required(artifact.version, label, 'version (the chart\'s tag in the OCI registry)');
      const credentials = account.username === undefined ? undefined : { username: account.username, password: account.passwordSecret === undefined ? '' : this.secret(account.passwordSecret, name) };
      const client = new DockerRegistryClient({ address: `${account.plainHttp ? 'http' : 'https'}://${host ?? ''}`, fetch: this.fetch, timeoutMs: this.timeoutMs(), ...(credentials === undefined ? {} : { credentials }) });
      try {
        return await client.pullHelmChart([...path, chart].join('/'), version);
      } catch (error) {
        if (error instanceof RegistryError) throw new ArtifactError(`${label}: ${error.message}`, /answered 5\d\d/.test(error.message) ? 'transient' : 'fatal');
        throw new ArtifactError(`${label}: ${account.repository}: ${(error as Error).message}`, 'transient');
      }
    }
    const base = `${account.repository.replace(/\/+$/, '')}/`;
    const authorization = this.authorization(account, name);
    const index = parseYaml((await this.read(new URL('index.yaml', base).toString(), authorization, label)).toString('utf8')) as { entries?: Record<string, { version?: string; urls?: string[]; created?: string }[]> } | null;
    const versions = index?.entries?.[chart] ?? [];
    if (versions.length === 0) throw new ArtifactError(`${label}: chart ${chart} is not in ${account.repository}`, 'fatal');
    // index.yaml lists a chart's versions newest first (helm repo index sorts them so).
    const entry = artifact.version === undefined || artifact.version === '' ? versions[0] : versions.find((candidate) => candidate.version === artifact.version);
    const url = entry?.urls?.[0];
    if (url === undefined) throw new ArtifactError(`${label}: ${account.repository} has no version ${artifact.version ?? ''} of chart ${chart} (it has ${versions.map((candidate) => candidate.version).join(', ')})`, 'fatal');
    const absolute = new URL(url, base);
    // Credentials go only to the repository's own host, as helm's --pass-credentials default does.
    return this.read(absolute.toString(), absolute.host === new URL(base).host ? authorization : undefined, label);
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  private async read(url: string, authorization: string | undefined, label: string, accept?: string, headers: Record<string, string> = {}): Promise<Buffer> {
    let response: Response;
    try {
      response = await this.fetch(url, {
        headers: { ...(accept === undefined ? {} : { accept }), ...(authorization === undefined ? {} : { authorization }), ...headers },
        signal: AbortSignal.timeout(this.timeoutMs()),
        redirect: 'follow',
      });
    } catch (error) {
      throw new ArtifactError(`${label}: ${hostOf(url)}: ${(error as Error).message}`, 'transient');
    }
    if (!response.ok) {
      await response.body?.cancel();
      const kind = response.status >= 500 || response.status === 429 ? 'transient' : 'fatal';
      const hint = response.status === 401 || response.status === 403 ? ' (check the artifact account\'s credentials)' : '';
      throw new ArtifactError(`${label}: ${hostOf(url)} answered ${response.status}${hint}`, kind);
    }
    return Buffer.from(await response.arrayBuffer());
  }

  private git(args: string[], env: NodeJS.ProcessEnv, label: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.options.git ?? 'git', args, { env, timeout: this.timeoutMs() * 4, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const reason = (stderr.trim().split('\n').at(-1) ?? '') || error.message;
        // Unreachable hosts and dropped connections may pass; a missing branch or refused login will not.
        const transient = /Could not resolve host|Connection (refused|reset|timed out)|early EOF|returned error: 5\d\d/.test(stderr);
        reject(new ArtifactError(`${label}: git ${args[0] === 'clone' ? 'clone' : args.at(-2) ?? ''} failed: ${reason}`, transient ? 'transient' : 'fatal'));
      });
    });
  }
}

function describe(artifact: Artifact): string {
  return `${artifact.type} artifact ${artifact.name ?? artifact.reference ?? ''}${artifact.version === undefined ? '' : `@${artifact.version}`}`.trim();
}

function required(value: string | undefined, label: string, field: string): string {
  if (value === undefined || value === '') throw new ArtifactError(`${label}: the artifact has no ${field}`, 'fatal');
  return value;
}

function withRef(url: string, ref: string | undefined): string {
  if (ref === undefined || ref === '') return url;
  const parsed = new URL(url);
  parsed.searchParams.set('ref', ref);
  return parsed.toString();
}

function parseJson(bytes: Buffer, label: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ArtifactError(`${label}: the answer is not a JSON object`, 'fatal');
}

/** The URL without its query or credentials, for messages. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the URL';
  }
}
