import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * Orca's savePipeline stage, with Orca's own pair of test documents (a pipeline whose one stage
 * saves the base64 pipeline `new-test-pipeline` of application amahajantest): run through the API
 * and a worker that re-checks permissions, the save is made with the permissions of whoever runs
 * it. A user who may run the pipeline but not write the application is refused, naming WRITE.
 */

const FIXTURES = join(__dirname, '../fixtures/spinnaker');
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;

let gantry: TestGantry;
let runnerToken: string;
let writerToken: string;

beforeAll(async () => {
  gantry = await startTestGantry({ recheckPermissions: true });
  expect((await gantry.request('PUT', '/api/v1/roles/amahajantest-runners', { grants: [{ kind: 'application', name: 'amahajantest', actions: ['EXECUTE'] }] })).status).toBe(200);
  expect((await gantry.request('PUT', '/api/v1/roles/amahajantest-writers', { grants: [{ kind: 'application', name: 'amahajantest', actions: ['WRITE', 'EXECUTE'] }] })).status).toBe(200);
  ({ token: runnerToken } = await gantry.auth.createToken({ name: 'not-explicitly-permitted-user@abc.com', roles: ['amahajantest-runners'], createdBy: 'test' }));
  ({ token: writerToken } = await gantry.auth.createToken({ name: 'permitted-user@abc.com', roles: ['amahajantest-writers'], createdBy: 'test' }));
});

afterAll(async () => {
  await gantry?.stop();
});

async function runAs(token: string, file: string) {
  const saved = await gantry.request<{ id: string }>('POST', '/api/v1/pipelines', fixture(file));
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  const started = await gantry.request<{ id: string }>('POST', `/api/v1/pipelines/${saved.body.id}/executions`, {}, { authorization: `Bearer ${token}` });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const execution = await gantry.waitFor(started.body.id);
  // Both documents have the same name: each run stands alone.
  expect((await gantry.request('DELETE', `/api/v1/pipelines/${saved.body.id}`)).status).toBe(204);
  return execution;
}

const savedPipeline = () => gantry.request<{ pipelines: { name: string; version: number }[] }>('GET', '/api/v1/pipelines?application=amahajantest');

describe('savePipeline', () => {
  it("refuses a user without WRITE on the pipeline's application, naming it; saves, once, for one who has it", async () => {
    const blocked = await runAs(runnerToken, 'orca-adhoc-save-pipeline-blocked-user.json');
    expect(blocked.status).toBe('TERMINAL');
    expect(JSON.stringify(stageOf(blocked, '0').error)).toContain('not-explicitly-permitted-user@abc.com lacks WRITE on application amahajantest');
    expect((await savedPipeline()).body.pipelines.map((pipeline) => pipeline.name)).not.toContain('new-test-pipeline');

    const permitted = await runAs(writerToken, 'orca-adhoc-save-pipeline-permitted-user.json');
    expect(permitted.status, JSON.stringify(permitted.stages.map((stage) => [stage.refId, stage.status, stage.error]))).toBe('SUCCEEDED');
    expect(stageOf(permitted, '0').outputs).toMatchObject({ 'notification.type': 'savepipeline', application: 'amahajantest', 'pipeline.name': 'new-test-pipeline' });
    const stored = (await savedPipeline()).body.pipelines.find((pipeline) => pipeline.name === 'new-test-pipeline');
    expect(stored).toMatchObject({ version: 1 });

    // The same document again: unchanged, so no second version (a re-run after a crash is the same).
    expect((await runAs(writerToken, 'orca-adhoc-save-pipeline-permitted-user.json')).status).toBe('SUCCEEDED');
    expect((await savedPipeline()).body.pipelines.find((pipeline) => pipeline.name === 'new-test-pipeline')).toMatchObject({ version: 1 });
  });
});
