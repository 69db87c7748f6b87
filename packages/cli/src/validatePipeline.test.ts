import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startTestServer, type TestServer } from '../../../test/support/testServer';
import { CLI_TEST_TOKEN, runGantry } from './testSupport';

/** Answers POST /pipelines/validate like Gantry: refused when a stage is deployManifest, accepted otherwise. */
function startFakeApi(): Promise<TestServer> {
  return startTestServer(({ method, path, body }, response) => {
    if (method !== 'POST' || path !== '/api/v1/pipelines/validate') return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'no route', details: {} } });
    const document = JSON.parse(body) as { stages: { type: string }[] };
    const refused = document.stages.findIndex((stage) => stage.type === 'deployManifest');
    const loads = [{ path: ['stages', 0], pathString: 'stages.0', message: 'wait stage' }];
    const ignored = [{ path: ['spelEvaluator'], pathString: 'spelEvaluator', message: "Spinnaker's expression evaluator version" }];
    const unsupported = refused < 0 ? [] : [{ path: ['stages', refused, 'type'], pathString: `stages.${refused}.type`, message: 'unknown stage type "deployManifest"' }];
    return sendJson(response, 200, { accepted: refused < 0, loads, ignored, unsupported });
  });
}

describe('gantry pipeline validate', () => {
  let api: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-validate-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(() => api.close());

  it('sends the document with --application filled in and prints each finding with its path; exit 1 when something is unsupported', async () => {
    const exported = file('export.json', { spelEvaluator: 'v4', stages: [{ type: 'wait', waitTime: 5 }, { type: 'deployManifest' }] });
    const run = await runGantry(['pipeline', 'validate', exported, '--application', 'shop', '--url', api.origin]);
    expect(run.code).toBe(1);
    const request = api.requests.at(-1)!;
    expect(JSON.parse(request.body)).toMatchObject({ application: 'shop', spelEvaluator: 'v4' });
    expect(request.headers.authorization).toBe(`Bearer ${CLI_TEST_TOKEN}`);
    expect(run.stdout).toMatch(/^loads:\n(.*\n){2}stages\.0 +wait stage$/m);
    expect(run.stdout).toMatch(/^ignored \(stored, no effect\):\n(.*\n){2}spelEvaluator +Spinnaker's expression evaluator version$/m);
    expect(run.stdout).toMatch(/^unsupported:\n(.*\n){2}stages\.1\.type +unknown stage type "deployManifest"$/m);
    expect(run.stdout).toContain('refused: 1 unsupported (saving it fails)');
  });

  it('exit 0 for an accepted pipeline; --format json prints the report', async () => {
    const accepted = file('ok.json', { application: 'shop', stages: [{ type: 'wait', waitTime: 5 }] });
    const run = await runGantry(['pipeline', 'validate', accepted, '--format', 'json', '--url', api.origin]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: true, unsupported: [] });
  });

  it('exit 2 for a file that is not one JSON pipeline, or a pipeline without application and no --application', async () => {
    for (const [content, message] of [
      ['{not json', /not JSON/],
      ['[]', /expected one pipeline/],
      [{ stages: [] }, /names no application: give --application/],
    ] as const) {
      const run = await runGantry(['pipeline', 'validate', file('bad.json', content), '--url', api.origin]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('checks a folder of JSON and YAML files as a pull request holds them: every file, exit 1 when one is refused, 2 when one is not a pipeline', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gantry-validate-dir-'));
    mkdirSync(join(folder, 'team'));
    writeFileSync(join(folder, 'a.yaml'), 'application: shop\nname: a\nstages:\n  - type: wait\n    waitTime: 1\n');
    writeFileSync(join(folder, 'team', 'b.json'), JSON.stringify({ application: 'shop', name: 'b', stages: [{ type: 'deployManifest' }] }));
    writeFileSync(join(folder, 'README.md'), 'not a pipeline');
    const refused = await runGantry(['pipeline', 'validate', folder, '--url', api.origin]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`== ${join(folder, 'a.yaml')}\n`);
    expect(refused.stdout).toContain(`== ${join(folder, 'team', 'b.json')}\n`);
    expect(refused.stdout).not.toContain('README');
    expect(JSON.parse(api.requests.at(-2)!.body)).toMatchObject({ application: 'shop', name: 'a' });

    writeFileSync(join(folder, 'broken.yml'), 'a: [');
    const broken = await runGantry(['pipeline', 'validate', folder, '--format', 'json', '--url', api.origin]);
    expect(broken.code).toBe(2);
    const files = (JSON.parse(broken.stdout) as { files: { file: string; error?: string; report?: { accepted: boolean } }[] }).files;
    expect(files.map((entry) => [entry.file.slice(folder.length), entry.error === undefined ? entry.report?.accepted : 'error'])).toEqual([
      ['/a.yaml', true],
      ['/broken.yml', 'error'],
      ['/team/b.json', false],
    ]);
  });
});
