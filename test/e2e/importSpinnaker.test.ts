import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTestToken } from '../../apps/api/src/testSupport';
import type { ImportEntry } from '../../packages/cli/src/commands/importSpinnaker';
import { runGantry } from '../../packages/cli/src/testSupport';
import { GATE_TLS_DIR, gateFixture, startFakeGate, type FakeGate } from '../fakes/gate';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';

const CANARY_ID = '3f3dbcc1-002d-458c-b181-be4aa809922a';
const BASIC = ['--gate-user', 'migrator', '--gate-password', 's3cret'];

/**
 * What the Gate fake serves: spin's and Deck's recorded Gate answers, byte for byte. Deck recorded
 * the pipelines of `compute` and `cloudfoundryapp` but not those applications' list entries: the
 * application list is spin's with those two names added, and their GET /applications/{app} says
 * only their name (no permissions, which Gate then leaves out too).
 */
function gateDocuments(): Record<string, string> {
  const applications = [...(JSON.parse(gateFixture('spin-applications.json')) as object[]), { name: 'compute' }, { name: 'cloudfoundryapp' }];
  return {
    '/applications': JSON.stringify(applications),
    '/applications/app': gateFixture('spin-application-app.json'),
    '/applications/app/pipelineConfigs': gateFixture('spin-pipelineConfigs-app.json'),
    '/applications/compute': JSON.stringify({ attributes: { name: 'compute' } }),
    '/applications/compute/pipelineConfigs': gateFixture('deck-core-manual-execution-pipelineConfigs.json'),
    '/applications/cloudfoundryapp': JSON.stringify({ attributes: { name: 'cloudfoundryapp' } }),
    '/applications/cloudfoundryapp/pipelineConfigs': gateFixture('deck-cloudfoundry-pipelineConfigs.json'),
    '/v2/pipelineTemplates': gateFixture('spin-v2-pipelineTemplates.json'),
    '/v2/canaryConfig': gateFixture('spin-v2-canaryConfig.json'),
    [`/v2/canaryConfig/${CANARY_ID}`]: gateFixture('spin-v2-canaryConfig-3f3dbcc1.json'),
  };
}

interface Report {
  dryRun: boolean;
  entries: ImportEntry[];
}

const outcomes = (report: Report) => Object.fromEntries(report.entries.map((entry) => [`${entry.kind} ${entry.name}`, entry.outcome]));

describe('gantry import spinnaker', () => {
  let gantry: TestGantry;
  let url: string;
  let gate: FakeGate;

  beforeAll(async () => {
    gantry = await startTestGantry({ worker: false });
    await storeTestToken(gantry.auth, 'cli-test');
    await gantry.api.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}`;
    gate = await startFakeGate({ kind: 'basic', user: 'migrator', password: 's3cret' }, gateDocuments());
  });
  afterAll(async () => {
    await gate.close();
    await gantry.stop();
  });

  async function importOnce(...extra: string[]): Promise<Report> {
    const run = await runGantry(['import', 'spinnaker', '--gate', gate.url, ...BASIC, '--url', url, '--format', 'json', ...extra]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Report;
  }

  async function storedPipelines(): Promise<{ name: string; application: string; version: number; definition: Record<string, unknown> }[]> {
    const listed = await gantry.request<{ pipelines: { name: string; application: string; version: number; definition: Record<string, unknown> }[] }>('GET', '/api/v1/pipelines');
    return listed.body.pipelines;
  }

  it('brings what Gantry can hold, says why not for the rest, saves nothing on a re-run, and updates a pipeline changed in Spinnaker', async () => {
    const first = await importOnce();
    expect(outcomes(first)).toEqual({
      'application app': 'brought',
      'permissions app': 'updated',
      'pipeline app/derp1': 'created',
      'application compute': 'brought',
      'permissions compute': 'unchanged',
      'pipeline compute/Simple Wait Pipeline': 'created',
      'application cloudfoundryapp': 'brought',
      'permissions cloudfoundryapp': 'unchanged',
      'pipeline cloudfoundryapp/bake-cf-manifest': 'not brought',
      'pipelineTemplate newSpelTemplate (specific)': 'not brought',
      'pipelineTemplate newSpelTemplate (global)': 'not brought',
      'canaryConfig exampleCanary (3f3dbcc1-002d-458c-b181-be4aa809922a)': 'not brought',
    });
    const byName = new Map(first.entries.map((entry) => [`${entry.kind} ${entry.name}`, entry]));
    // Gantry's own refusal, word for word: the stage type it does not know.
    expect(byName.get('pipeline cloudfoundryapp/bake-cf-manifest')?.reason).toMatch(/^POST \/pipelines: HTTP 400 .*unknown stage type "bakeCloudFoundryManifest"/);
    // Gantry's compatibility report on each document, front50's bookkeeping left out.
    expect(byName.get('pipeline app/derp1')?.changes).toEqual(['kept without effect: stages.0.comments: text shown beside the stage']);
    expect(byName.get('pipeline compute/Simple Wait Pipeline')?.changes).toEqual([]);
    expect(byName.get('permissions app')?.changes).toEqual(['admin-group: READ, WRITE, EXECUTE', 'user-group: READ']);
    expect(byName.get('permissions compute')?.changes[0]).toMatch(/^no permissions in Spinnaker/);
    expect(byName.get('pipelineTemplate newSpelTemplate (global)')?.reason).toMatch(/no pipeline templates/);
    expect(byName.get('canaryConfig exampleCanary (3f3dbcc1-002d-458c-b181-be4aa809922a)')?.reason).toMatch(/canaryConfig/);

    const roles = await gantry.request<{ grants: { role: string; kind: string; name: string; actions: string[] }[] }>('GET', '/api/v1/roles');
    expect(roles.body.grants.filter((grant) => grant.name === 'app')).toEqual([
      { role: 'admin-group', kind: 'application', name: 'app', actions: ['READ', 'WRITE', 'EXECUTE'] },
      { role: 'user-group', kind: 'application', name: 'app', actions: ['READ'] },
    ]);
    const saved = await storedPipelines();
    expect(saved.map((pipeline) => [pipeline.application, pipeline.name, pipeline.version]).sort()).toEqual([
      ['app', 'derp1', 1],
      ['compute', 'Simple Wait Pipeline', 1],
    ]);
    const derp = saved.find((pipeline) => pipeline.name === 'derp1')!;
    expect(derp.definition).toMatchObject({ id: 'pipeline1', importedFrom: { system: 'spinnaker', id: 'pipeline1' } });

    const second = await importOnce();
    expect(second.entries.filter((entry) => ['created', 'updated'].includes(entry.outcome))).toEqual([]);
    expect(outcomes(second)['pipeline app/derp1']).toBe('unchanged');
    expect(outcomes(second)['permissions app']).toBe('unchanged');
    expect((await storedPipelines()).map((pipeline) => pipeline.version)).toEqual([1, 1]);

    // A save in Spinnaker: the wait is longer (front50 also moves updateTs, which alone changes nothing).
    const changed = JSON.parse(gateFixture('spin-pipelineConfigs-app.json')) as { stages: { waitTime: number }[]; updateTs: string }[];
    changed[0]!.stages[0]!.waitTime = 45;
    changed[0]!.updateTs = '1700000000000';
    gate.setDocument('/applications/app/pipelineConfigs', JSON.stringify(changed));
    const dryRun = await importOnce('--dry-run');
    expect(dryRun.dryRun).toBe(true);
    expect(outcomes(dryRun)['pipeline app/derp1']).toBe('would update');
    // What the save would refuse, a dry run says from Gantry's compatibility report.
    expect(dryRun.entries.find((entry) => entry.name === 'cloudfoundryapp/bake-cf-manifest')?.reason).toMatch(/^unsupported: stages\.0\.type: /);
    expect((await storedPipelines()).find((pipeline) => pipeline.name === 'derp1')?.version).toBe(1);

    const third = await importOnce();
    expect(outcomes(third)['pipeline app/derp1']).toBe('updated');
    expect(outcomes(third)['pipeline compute/Simple Wait Pipeline']).toBe('unchanged');
    const updated = (await storedPipelines()).find((pipeline) => pipeline.name === 'derp1')!;
    expect(updated.version).toBe(2);
    expect((updated.definition.stages as { waitTime: number }[])[0]!.waitTime).toBe(45);
    expect(await storedPipelines()).toHaveLength(2);

    // Every request carried the basic credentials.
    expect(new Set(gate.requests().map((request) => request.authorization))).toEqual(new Set([`Basic ${Buffer.from('migrator:s3cret').toString('base64')}`]));
  });

  it('prints a readable report, keeps what Gantry cannot hold as files, and imports only the applications asked for', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gantry-import-'));
    try {
      const run = await runGantry(['import', 'spinnaker', '--gate', gate.url, ...BASIC, '--url', url, '-a', 'compute', '-a', 'ghost', '--save-unsupported', dir]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('application ghost: not brought (Gate lists no such application)\n');
      expect(run.stdout).toContain('pipeline compute/Simple Wait Pipeline: unchanged\n');
      expect(run.stdout).not.toContain('pipeline app/');
      expect(run.stdout).toMatch(/\n0 created, 0 updated, 2 unchanged, 4 not brought\n$/);
      expect((await readdir(join(dir, 'pipeline-templates'))).sort()).toEqual(['newSpelTemplate.global.json', 'newSpelTemplate.specific.json']);
      expect(await readdir(join(dir, 'canary-configs'))).toEqual([`${CANARY_ID}.json`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops at once, naming the problem, when Gate refuses the credentials', async () => {
    const run = await runGantry(['import', 'spinnaker', '--gate', gate.url, '--gate-user', 'migrator', '--gate-password', 'wrong', '--url', url]);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gantry: Gate refused the credentials at GET /applications (HTTP 401): check --gate-user/--gate-password, --gate-token, --gate-cookie or --gate-cert\n',
    });
    const both = await runGantry(['import', 'spinnaker', '--gate', gate.url, ...BASIC, '--gate-token', 't', '--url', url]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('gantry: give one of --gate-user (with --gate-password), --gate-token, --gate-cookie and --gate-cert (with --gate-key)\n');
  });

  it('signs in to Gate with a bearer token ($GATE_TOKEN) or a session cookie', async () => {
    const bearerGate = await startFakeGate({ kind: 'bearer', token: 'oauth-access-token' }, gateDocuments());
    const cookieGate = await startFakeGate({ kind: 'cookie', name: 'SESSION', value: 'abc123' }, gateDocuments());
    try {
      const bearer = await runGantry(['import', 'spinnaker', '--gate', bearerGate.url, '--url', url, '--dry-run'], { env: { GATE_TOKEN: 'oauth-access-token' } });
      expect(bearer.code).toBe(0);
      expect(bearer.stdout).toContain('pipeline app/derp1: would update\n');
      expect(bearerGate.requests().every((request) => request.authorization === 'Bearer oauth-access-token')).toBe(true);
      const cookie = await runGantry(['import', 'spinnaker', '--gate', cookieGate.url, '--gate-cookie', 'SESSION=abc123', '--url', url, '--dry-run']);
      expect(cookie.code).toBe(0);
      expect(cookie.stdout).toContain('pipeline compute/Simple Wait Pipeline: unchanged\n');
    } finally {
      await bearerGate.close();
      await cookieGate.close();
    }
  });

  it("signs in to Gate's X.509 port with a client certificate, and is refused with one its CA did not sign", async () => {
    const x509Gate = await startFakeGate({ kind: 'x509' }, gateDocuments());
    const tls = (file: string) => join(GATE_TLS_DIR, file);
    try {
      const signed = await runGantry(['import', 'spinnaker', '--gate', x509Gate.url, '--gate-cert', tls('client.pem'), '--gate-key', tls('client.key'), '--gate-ca', tls('ca.pem'), '--url', url, '--dry-run']);
      expect(signed.stderr).toBe('');
      expect(signed.stdout).toContain('pipeline compute/Simple Wait Pipeline: unchanged\n');
      const stranger = await runGantry(['import', 'spinnaker', '--gate', x509Gate.url, '--gate-cert', tls('stranger.pem'), '--gate-key', tls('stranger.key'), '--gate-ca', tls('ca.pem'), '--url', url]);
      expect(stranger.code).toBe(1);
      expect(stranger.stderr).toMatch(/^gantry: Gate refused the credentials at GET \/applications \(HTTP 401\)/);
      const plain = await runGantry(['import', 'spinnaker', '--gate', gate.url, '--gate-cert', tls('client.pem'), '--gate-key', tls('client.key'), '--url', url]);
      expect(plain).toMatchObject({ code: 2, stderr: 'gantry: --gate-cert: a client certificate needs an https:// Gate URL\n' });
    } finally {
      await x509Gate.close();
    }
  });

  it('renames applications as Gantry needs, refuses clashes and vanished ones, and gives one role the grants of several applications', async () => {
    // Test-made lists and application answers (Gate's shapes), around Deck's real pipeline document.
    const withReaders = (name: string) => JSON.stringify({ attributes: { name, permissions: { READ: ['dev'] } } });
    const odd = await startFakeGate({ kind: 'bearer', token: 't' }, {
      '/applications': JSON.stringify([{ name: 'Hello-World' }, { name: 'hello-world' }, { name: 'gone' }, { name: '9lives' }, { name: 'other' }]),
      '/applications/Hello-World': withReaders('Hello-World'),
      '/applications/Hello-World/pipelineConfigs': gateFixture('deck-core-manual-execution-pipelineConfigs.json'),
      '/applications/hello-world': withReaders('hello-world'),
      '/applications/other': withReaders('other'),
      '/applications/other/pipelineConfigs': '[]',
    });
    try {
      const run = await runGantry(['import', 'spinnaker', '--gate', odd.url, '--gate-token', 't', '--url', url, '--format', 'json']);
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as Report;
      const entry = (key: string) => report.entries.find((candidate) => `${candidate.kind} ${candidate.name}` === key);
      expect(entry('application Hello-World')).toMatchObject({ outcome: 'brought', changes: expect.arrayContaining(['application name "Hello-World" → "hello-world"']) });
      expect(entry('pipeline Hello-World/Simple Wait Pipeline')).toMatchObject({
        outcome: 'created',
        changes: expect.arrayContaining(['its "application" was "compute", it is saved under "hello-world"']),
      });
      expect(entry('application hello-world')).toMatchObject({ outcome: 'not brought', reason: 'its Gantry name "hello-world" is already that of Spinnaker application "Hello-World"' });
      expect(entry('application gone')).toMatchObject({ outcome: 'not brought', reason: 'Gate lists it but answers 404 for it (deleted meanwhile?)' });
      expect(entry('application 9lives')?.outcome).toBe('not brought');
      expect(entry('permissions Hello-World')).toMatchObject({ outcome: 'updated', changes: expect.arrayContaining(['dev: READ, EXECUTE']) });
      const roles = await gantry.request<{ grants: { role: string; name: string; actions: string[] }[] }>('GET', '/api/v1/roles');
      expect(roles.body.grants.filter((grant) => grant.role === 'dev').map((grant) => [grant.name, grant.actions])).toEqual([
        ['hello-world', ['READ', 'EXECUTE']],
        ['other', ['READ', 'EXECUTE']],
      ]);
      // Deleted in Spinnaker: reported, Gantry's copy kept.
      odd.setDocument('/applications/Hello-World/pipelineConfigs', '[]');
      const again = JSON.parse((await runGantry(['import', 'spinnaker', '--gate', odd.url, '--gate-token', 't', '--url', url, '--format', 'json', '-a', 'hello-world'])).stdout) as Report;
      expect(again.entries.find((candidate) => candidate.kind === 'pipeline')).toMatchObject({ name: 'Hello-World/Simple Wait Pipeline', outcome: 'gone from Spinnaker' });
      // Gate's paths read the application as the import named it.
      const configs = await gantry.request<{ name: string }[]>('GET', '/applications/Hello-World/pipelineConfigs');
      expect(configs.body.map((config) => config.name)).toEqual(['Simple Wait Pipeline']);
    } finally {
      await odd.close();
    }
  });
});
