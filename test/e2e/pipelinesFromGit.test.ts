import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployPolicySchema } from '../../packages/core/src';
import { eventually } from '../support/eventually';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { startGitHttpServer, type GitHttpServer } from '../support/gitHttpServer';

/**
 * Pipelines as code against real git: a repository served over HTTP by `git http-backend`, pushes
 * by the git client, GitHub's signed push webhook, and the sync in the worker fetching over HTTP,
 * as service account `gitops` through the checks an API save makes (authentication on).
 */
const SECRET = 'webhook-secret-for-the-test';

interface Pipeline {
  id: string;
  name: string;
  version: number;
  definition: Record<string, unknown>;
  source?: { repository: string; path: string; commit: string | null };
}

interface Report {
  commit: string;
  applied: boolean;
  files: { path: string; outcome: string; application?: string; errors?: string[] }[];
  withheldFiles: number;
}

const GANTRY_YAML = (waitTime: number) => `# Gantry's own shape, in YAML
application: shop
name: deploy
stages:
  - refId: wait
    type: wait
    waitTime: ${waitTime}
`;

// Spinnaker's shape as front50 stores it: parameterConfig, string refIds, stage names.
const SPINNAKER_JSON = JSON.stringify({
  application: 'shop',
  name: 'from-spinnaker',
  keepWaitingPipelines: false,
  limitConcurrent: true,
  parameterConfig: [{ name: 'tag', default: 'latest', required: false }],
  stages: [{ refId: '1', requisiteStageRefIds: [], type: 'wait', name: 'Wait', waitTime: 5 }],
  triggers: [],
});

describe('pipelines from a git repository', () => {
  let repo: GitHttpServer;
  let gantry: TestGantry;
  const measured: number[] = [];

  beforeAll(async () => {
    repo = await startGitHttpServer();
    gantry = await startTestGantry({
      webhooks: true,
      secrets: { 'pipelines-hook': SECRET },
      // The worker checks permissions as production does with authentication on.
      recheckPermissions: true,
      deployPolicy: deployPolicySchema.parse({ rules: [{ name: 'no-adhoc', expression: "!pipeline.name.startsWith('adhoc-')", message: 'adhoc- pipelines are for local trials' }] }),
      pipelineRepositories: [
        { name: 'shop-pipelines', url: repo.url, branch: 'main', path: 'pipelines/', intervalSeconds: 3600, webhookSecret: 'pipelines-hook', runAs: 'gitops' },
      ],
    });
    await gantry.auth.setRoleGrants('shop-writers', [{ kind: 'application', name: 'shop', actions: ['READ', 'WRITE'] }], 'test');
    await gantry.auth.setRoleGrants('shop-readers', [{ kind: 'application', name: 'shop', actions: ['READ'] }], 'test');
    await gantry.auth.putServiceAccount('gitops', ['shop-writers'], 'test');
    await gantry.auth.putServiceAccount('releaser', ['shop-writers', 'prod-deployers'], 'test');
  }, 60_000);

  afterAll(async () => {
    await gantry?.stop();
    await repo?.close();
    if (measured.length > 0) console.log(`push webhook → pipeline updated: ${measured.map((ms) => `${ms} ms`).join(', ')}`);
  });

  /** GitHub's push delivery for `commit`, signed with the repository's webhook secret. */
  async function pushWebhook(commit: string, secret = SECRET) {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { name: 'pipelines', owner: { login: 'acme' } } });
    const response = await gantry.api.inject({
      method: 'POST',
      url: '/api/v1/webhooks/pipelines/shop-pipelines',
      headers: {
        // GitHub sends no API token: the signature is its only proof.
        authorization: undefined,
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      payload: body,
    });
    return response;
  }

  const pipelines = async () => (await gantry.request<{ pipelines: Pipeline[] }>('GET', '/api/v1/pipelines?application=shop')).body.pipelines;
  const report = async (commit: string) =>
    (await gantry.request<{ syncs: Report[] }>('GET', '/api/v1/pipelineRepositories/shop-pipelines/syncs')).body.syncs.find((sync) => sync.commit === commit);

  /**
   * Sends the webhook and waits until `done` holds, recording how long it took (printed after the
   * file; the wait is a generous bound, not the measurement: tests assert no wall-clock times).
   */
  async function deliverAndWait<T>(commit: string, done: () => Promise<T | undefined>): Promise<T> {
    const sent = Date.now();
    expect((await pushWebhook(commit)).statusCode).toBe(202);
    const value = await eventually(done, 20_000);
    measured.push(Date.now() - sent);
    return value;
  }

  let deployId = '';
  let spinnakerId = '';

  it('a pushed file becomes a pipeline recording repository, path and commit', async () => {
    const commit = await repo.commit({ 'pipelines/deploy.yaml': GANTRY_YAML(1), 'pipelines/from-spinnaker.json': SPINNAKER_JSON, 'README.md': 'not a pipeline' }, 'add pipelines');
    const found = await deliverAndWait(commit, async () => {
      const listed = await pipelines();
      return listed.length === 2 ? listed : undefined;
    });
    const deploy = found.find((pipeline) => pipeline.name === 'deploy');
    const spinnaker = found.find((pipeline) => pipeline.name === 'from-spinnaker');
    expect(deploy?.source).toEqual({ repository: 'shop-pipelines', path: 'pipelines/deploy.yaml', commit });
    expect(spinnaker?.source).toEqual({ repository: 'shop-pipelines', path: 'pipelines/from-spinnaker.json', commit });
    // Spinnaker's parameterConfig was read as parameters.
    expect(spinnaker?.definition.parameters).toEqual([expect.objectContaining({ name: 'tag', default: 'latest' })]);
    deployId = deploy?.id ?? '';
    spinnakerId = spinnaker?.id ?? '';
    expect(await report(commit)).toMatchObject({ applied: true, files: expect.arrayContaining([expect.objectContaining({ path: 'pipelines/deploy.yaml', outcome: 'created' })]) });
  });

  it('an edit becomes a new version carrying its commit; a redelivered webhook changes nothing', async () => {
    const commit = await repo.commit({ 'pipelines/deploy.yaml': GANTRY_YAML(2) }, 'wait longer');
    const deploy = await deliverAndWait(commit, async () => {
      const found = (await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${deployId}`)).body;
      return found.version === 2 ? found : undefined;
    });
    expect(deploy.source?.commit).toBe(commit);
    expect(deploy.definition.stages).toEqual([expect.objectContaining({ refId: 'wait', waitTime: 2 })]);
    const versions = (await gantry.request<{ versions: { version: number; gitCommit?: string; createdBy: string | null }[] }>('GET', `/api/v1/pipelines/${deployId}/versions`)).body.versions;
    expect(versions[0]).toMatchObject({ version: 2, gitCommit: commit, createdBy: 'git:shop-pipelines' });
    // The other file did not change: no new version of it.
    expect((await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${spinnakerId}`)).body.version).toBe(1);

    expect((await pushWebhook(commit)).statusCode).toBe(202);
    await gantry.request('POST', '/api/v1/pipelineRepositories/shop-pipelines/sync');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${deployId}`)).body.version).toBe(2);
    expect((await gantry.request<{ syncs: Report[] }>('GET', '/api/v1/pipelineRepositories/shop-pipelines/syncs')).body.syncs.filter((sync) => sync.commit === commit)).toHaveLength(1);
  });

  it('a commit with an invalid file is reported per file and none of its files are applied', async () => {
    const commit = await repo.commit(
      { 'pipelines/deploy.yaml': GANTRY_YAML(3), 'pipelines/broken.json': JSON.stringify({ application: 'shop', name: 'broken', stages: [{ refId: 'a', waitTime: 1 }] }) },
      'a valid edit and a broken file',
    );
    const refused = await deliverAndWait(commit, () => report(commit));
    expect(refused.applied).toBe(false);
    expect(refused.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'pipelines/broken.json', outcome: 'error', errors: [expect.stringContaining('type')] }),
        expect.objectContaining({ path: 'pipelines/deploy.yaml', outcome: 'notApplied' }),
      ]),
    );
    const deploy = (await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${deployId}`)).body;
    expect(deploy.version).toBe(2);
    expect((await pipelines()).map((pipeline) => pipeline.name).sort()).toEqual(['deploy', 'from-spinnaker']);
  });

  it('the API refuses to edit or delete a git-managed pipeline, naming the repository', async () => {
    const current = (await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${deployId}`)).body;
    const edit = await gantry.request<{ error: { code: string; message: string } }>('PUT', `/api/v1/pipelines/${deployId}`, { ...current.definition, description: 'edited by hand' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toContain("git repository 'shop-pipelines'");
    expect(edit.body.error.message).toContain('pipelines/deploy.yaml');
    expect((await gantry.request('DELETE', `/api/v1/pipelines/${deployId}`)).status).toBe(409);
    expect((await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${deployId}`)).body.version).toBe(2);
  });

  it('a file removed from git disables its pipeline and keeps it', async () => {
    const commit = await repo.commit({ 'pipelines/broken.json': null, 'pipelines/from-spinnaker.json': null }, 'fix: drop the broken file and the old pipeline');
    const disabled = await deliverAndWait(commit, async () => {
      const found = (await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${spinnakerId}`)).body;
      return found.definition.disabled === true ? found : undefined;
    });
    expect(disabled.source).toEqual({ repository: 'shop-pipelines', path: 'pipelines/from-spinnaker.json', commit });
    expect(await report(commit)).toMatchObject({ applied: true });
    // The commit before was refused; this one holds deploy.yaml at waitTime 3 too, now applied.
    expect((await gantry.request<Pipeline>('GET', `/api/v1/pipelines/${deployId}`)).body).toMatchObject({ version: 3, source: { commit } });
  });

  it("refuses a commit whose files an API save by the repository's principal would be refused: WRITE, runAsUser, the deploy policy", async () => {
    const other = (name: string, extra = '') => `application: shop\nname: ${name}\nstages:\n  - refId: wait\n    type: wait\n    waitTime: 1\n${extra}`;
    const commit = await repo.commit(
      {
        'pipelines/billing.yaml': other('invoice').replace('application: shop', 'application: billing'),
        'pipelines/adhoc.yaml': other('adhoc-trial'),
        'pipelines/runas.yaml': other('nightly', 'triggers:\n  - type: cron\n    cronExpression: 0 0 * * *\n    runAsUser: releaser\n'),
        'pipelines/fine.yaml': other('fine'),
      },
      'files the principal may not save',
    );
    const refused = await deliverAndWait(commit, () => report(commit));
    expect(refused.applied).toBe(false);
    const errorsOf = (path: string) => refused.files.find((file) => file.path === path)?.errors;
    expect(errorsOf('pipelines/billing.yaml')).toEqual(['gitops lacks WRITE on application billing, which saving this pipeline needs']);
    expect(errorsOf('pipelines/adhoc.yaml')).toEqual(['the deploy policy refuses this pipeline: no-adhoc: adhoc- pipelines are for local trials']);
    expect(errorsOf('pipelines/runas.yaml')).toEqual(['triggers.0.runAsUser: gitops may not make triggers run as releaser: it lacks role prod-deployers']);
    expect(refused.files.find((file) => file.path === 'pipelines/fine.yaml')).toMatchObject({ outcome: 'notApplied' });
    expect((await pipelines()).map((pipeline) => pipeline.name).sort()).toEqual(['deploy', 'from-spinnaker']);

    // The report as two other users read it: a reader of shop sees shop's files only; a user who may
    // read no application sees the commit's outcome and no file.
    const tokenOf = async (name: string, roles: string[]) => `Bearer ${(await gantry.auth.createToken({ name, roles, createdBy: 'test' })).token}`;
    const asReader = { authorization: await tokenOf('shop-reader', ['shop-readers']) };
    const asStranger = { authorization: await tokenOf('stranger', []) };
    const syncsAs = async (headers: Record<string, string>) => {
      const response = await gantry.request<{ syncs: Report[] }>('GET', '/api/v1/pipelineRepositories/shop-pipelines/syncs', undefined, headers);
      expect(response.status).toBe(200);
      return response.body.syncs.find((sync) => sync.commit === commit)!;
    };
    const reader = await syncsAs(asReader);
    expect(reader.files.map((file) => file.path)).not.toContain('pipelines/billing.yaml');
    expect(reader.files.every((file) => file.application === 'shop')).toBe(true);
    expect(reader.files.map((file) => file.path)).toEqual(expect.arrayContaining(['pipelines/adhoc.yaml', 'pipelines/runas.yaml', 'pipelines/fine.yaml']));
    expect(reader.withheldFiles).toBe(refused.files.length - reader.files.length);
    expect(reader.withheldFiles).toBeGreaterThan(0);
    const stranger = await syncsAs(asStranger);
    expect(stranger).toMatchObject({ applied: false, files: [], withheldFiles: refused.files.length });
    const listed = await gantry.request<{ repositories: { lastSync: Report | null }[] }>('GET', '/api/v1/pipelineRepositories', undefined, asStranger);
    expect(listed.body.repositories[0]?.lastSync).toMatchObject({ commit, files: [] });
    // The admin reads every file.
    expect(refused.files.map((file) => file.path)).toContain('pipelines/billing.yaml');
    expect(refused.withheldFiles).toBe(0);
  });

  it('refuses a webhook not signed with the repository secret', async () => {
    const head = await repo.commit({ 'pipelines/other.yaml': GANTRY_YAML(9).replace('name: deploy', 'name: other') }, 'another');
    expect((await pushWebhook(head, 'not-the-secret')).statusCode).toBe(401);
  });
});
