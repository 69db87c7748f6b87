import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactFake } from '../../../../test/fakes/artifacts';
import { GitServer } from '../../../../test/fakes/artifacts/gitServer';
import { DockerRegistryFake } from '../../../../test/fakes/dockerRegistry/registry';
import { CHARTS, packageShopChart, type PackagedChart } from '../../../../test/support/charts';
import { ArtifactAccounts, ArtifactError } from './ArtifactAccounts';

const SECRETS: Record<string, string> = { 'repo-password': 's3cret', 'api-token': 'tok-123', 'gitlab-token': 'glpat-1', 'git-password': 'g1t' };
const secret = (name: string) => SECRETS[name];

/** Each account type against the server it reads, with its credentials and without them. */
describe('artifact accounts (wire-format fakes, a real git server, charts packaged by Helm 4)', () => {
  let chart: PackagedChart;
  let files: ArtifactFake;
  let bearer: ArtifactFake;
  let oci: DockerRegistryFake;
  let git: GitServer;

  beforeAll(async () => {
    chart = packageShopChart();
    files = await new ArtifactFake({ basic: { username: 'helm', password: 's3cret' } }).start();
    bearer = await new ArtifactFake({ bearer: 'tok-123', privateToken: 'glpat-1' }).start();
    oci = new DockerRegistryFake({ auth: 'token', username: 'robot', password: 's3cret' });
    await oci.start();
    git = await new GitServer({ username: 'deploy', password: 'g1t' }).start();
  });
  afterAll(async () => {
    await files?.stop();
    await bearer?.stop();
    await oci?.stop();
    await git?.stop();
  });

  const accounts = () => new ArtifactAccounts({
    secret,
    accounts: {
      charts: { type: 'helm', repository: `${files.url}/charts`, plainHttp: false, username: 'helm', passwordSecret: 'repo-password' },
      'charts-anonymous': { type: 'helm', repository: `${files.url}/charts`, plainHttp: false },
      'oci-charts': { type: 'helm', repository: `oci://127.0.0.1:${oci.port}/team`, plainHttp: true, username: 'robot', passwordSecret: 'repo-password' },
      'http-basic': { type: 'http', username: 'helm', passwordSecret: 'repo-password' },
      'http-bearer': { type: 'http', tokenSecret: 'api-token' },
      github: { type: 'github', tokenSecret: 'api-token' },
      gitlab: { type: 'gitlab', tokenSecret: 'gitlab-token' },
      repos: { type: 'gitRepo', username: 'deploy', passwordSecret: 'git-password' },
      'repos-anonymous': { type: 'gitRepo' },
      'missing-secret': { type: 'http', tokenSecret: 'nowhere' },
    },
  });

  it('reads a chart from an HTTP chart repository through its index.yaml, with HTTP Basic', async () => {
    files.serveFile('/charts/index.yaml', chart.index);
    files.serveFile('/charts/shop-0.1.0.tgz', chart.tgz);
    const fetched = await accounts().download({ type: 'helm/chart', name: 'shop', version: '0.1.0', artifactAccount: 'charts' });
    expect(fetched.equals(chart.tgz)).toBe(true);
    // No version: the newest the index lists.
    expect((await accounts().download({ type: 'helm/chart', name: 'shop' }, 'charts')).equals(chart.tgz)).toBe(true);
    await expect(accounts().download({ type: 'helm/chart', name: 'shop', version: '9.9.9' }, 'charts')).rejects.toThrow(/has no version 9\.9\.9 of chart shop \(it has 0\.1\.0\)/);
    await expect(accounts().download({ type: 'helm/chart', name: 'shop' }, 'charts-anonymous')).rejects.toThrow(/answered 401 \(check the artifact account's credentials\)/);
  });

  it('pulls a chart from an OCI registry through its token service', async () => {
    oci.pushHelmChart('team/shop', '0.1.0', chart.tgz);
    const fetched = await accounts().download({ type: 'helm/chart', name: 'shop', version: '0.1.0' }, 'oci-charts');
    expect(fetched.equals(chart.tgz)).toBe(true);
    expect(oci.requests.copies().map((request) => request.path)).toEqual(expect.arrayContaining(['/token?service=registry.fake&scope=repository%3Ateam%2Fshop%3Apull']));
    await expect(accounts().download({ type: 'helm/chart', name: 'shop', version: '0.2.0' }, 'oci-charts')).rejects.toThrow(/chart team\/shop:0\.2\.0 not found/);
  });

  it('reads http/file with HTTP Basic, a bearer token, or none through no-auth-http-account', async () => {
    const url = files.serveFile('/values/prod.yaml', chart.values);
    expect((await accounts().download({ type: 'http/file', reference: url }, 'http-basic')).toString()).toBe(chart.values);
    const bearerUrl = bearer.serveFile('/values/prod.yaml', chart.values);
    expect((await accounts().download({ type: 'http/file', reference: bearerUrl, artifactAccount: 'http-bearer' })).toString()).toBe(chart.values);
    expect(bearer.requests.copies().at(-1)?.authorization).toBe('Bearer tok-123');
    await expect(accounts().download({ type: 'http/file', reference: bearerUrl }, 'no-auth-http-account')).rejects.toMatchObject({ kind: 'fatal', message: expect.stringMatching(/answered 401/) });
    await expect(accounts().download({ type: 'http/file', reference: bearerUrl }, 'missing-secret')).rejects.toThrow(/secret nowhere is not configured \(GANTRY_SECRET_NOWHERE or secrets\)/);
  });

  it('reads github/file through the contents API and gitlab/file through the files API, at the artifact\'s version', async () => {
    const github = bearer.githubFile('acme/shop', 'deploy/values-prod.yaml', 'release-1', chart.values);
    expect((await accounts().download({ type: 'github/file', reference: github, version: 'release-1' }, 'github')).toString()).toBe(chart.values);
    await expect(accounts().download({ type: 'github/file', reference: github, version: 'nope' }, 'github')).rejects.toThrow(/answered 404/);
    const gitlab = bearer.gitlabFile('42', 'deploy/values-prod.yaml', 'main', chart.values);
    expect((await accounts().download({ type: 'gitlab/file', reference: gitlab }, 'gitlab')).toString()).toBe(chart.values);
    expect(bearer.requests.copies().at(-1)?.path).toBe('/api/v4/projects/42/repository/files/deploy%2Fvalues-prod.yaml/raw?ref=main');
  });

  it('refuses an artifact its account does not read, and an account nobody configured', async () => {
    await expect(accounts().download({ type: 'github/file', reference: 'https://x' }, 'gitlab')).rejects.toThrow(/artifact account gitlab reads gitlab\/file, not github\/file/);
    await expect(accounts().download({ type: 'http/file', reference: 'https://x' }, 'nobody')).rejects.toThrow(/no artifact account named nobody \(configured: no-auth-http-account, embedded-artifact, charts/);
    expect((await accounts().download({ type: 'embedded/base64', reference: Buffer.from('kind: List').toString('base64') })).toString()).toBe('kind: List');
  });

  it('clones a git/repo at its branch with the account\'s credentials, and fails naming git\'s reason', async () => {
    const commit = git.commit('shop', 'main', { shop: join(CHARTS, 'shop') });
    const into = mkdtempSync(join(tmpdir(), 'gantry-clone-'));
    try {
      const cloned = await accounts().checkout({ type: 'git/repo', reference: git.url('shop'), version: 'main' }, join(into, 'a'), 'repos');
      expect(cloned).toBe(commit);
      expect(readFileSync(join(into, 'a', 'shop', 'Chart.yaml'), 'utf8')).toContain('name: shop');
      // The credentials reached git through its environment, never its command line or the clone's config.
      expect(execFileSync('git', ['-C', join(into, 'a'), 'config', '--list']).toString()).not.toContain('Authorization');
      const refused = accounts().checkout({ type: 'git/repo', reference: git.url('shop') }, join(into, 'b'), 'repos-anonymous');
      await expect(refused).rejects.toBeInstanceOf(ArtifactError);
      await expect(accounts().checkout({ type: 'git/repo', reference: git.url('shop'), version: 'no-such-branch' }, join(into, 'c'), 'repos')).rejects.toThrow(/git clone failed: .*no-such-branch/);
    } finally {
      rmSync(into, { recursive: true, force: true });
    }
  });
});
