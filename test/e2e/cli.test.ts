import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTestToken } from '../../apps/api/src/testSupport';
import { runGantry } from '../../packages/cli/src/testSupport';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';

/** `gantry trigger` through the real bin against a whole Gantry (API on a port + worker). */
describe('gantry trigger', () => {
  let gantry: TestGantry;
  let url: string;
  let waitPipeline: string;

  beforeAll(async () => {
    gantry = await startTestGantry();
    // The bin sends GANTRY_TOKEN (CLI_TEST_TOKEN): the token of user cli-test.
    await storeTestToken(gantry.auth, 'cli-test');
    await gantry.api.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(gantry.api.server.address() as AddressInfo).port}`;
    waitPipeline = await gantry.savePipeline({
      application: 'clitest',
      name: 'wait-a-second',
      parameters: [{ name: 'version', required: true }, { name: 'note' }],
      limitConcurrent: false,
      stages: [{ refId: 'w', type: 'wait', waitTime: 1 }],
    });
  });
  afterAll(() => gantry.stop());

  it('starts an execution with the parameters, prints its id, and with --wait exits 0 once it SUCCEEDED', async () => {
    const run = await runGantry(['trigger', waitPipeline, '-p', 'version=1.2.3', '-p', 'note=a=b', '--url', url, '--wait', '--poll-ms', '100']);
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(run.stderr).toContain(`execution ${id}: SUCCEEDED\n`);
    const execution = await gantry.request<{ status: string; parameters: Record<string, unknown>; trigger: Record<string, unknown> }>(
      'GET',
      `/api/v1/executions/${id}`,
    );
    expect(execution.body.status).toBe('SUCCEEDED');
    expect(execution.body.parameters).toMatchObject({ version: '1.2.3', note: 'a=b' });
    expect(execution.body.trigger).toMatchObject({ type: 'manual', user: 'cli-test' });
  });

  it('without --wait, prints the id at once', async () => {
    const run = await runGantry(['trigger', waitPipeline, '-p', 'version=2', '--url', url]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const execution = await gantry.waitFor(run.stdout.trim());
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('with --wait, exits 1 when the execution ends other than SUCCEEDED, saying why', async () => {
    const failing = await gantry.savePipeline({
      application: 'clitest',
      name: 'always-fails',
      stages: [{ refId: 'check', type: 'checkPreconditions', preconditions: [{ type: 'expression', context: { expression: '${1 > 2}' } }] }],
    });
    const run = await runGantry(['trigger', failing, '--url', url, '--wait', '--poll-ms', '100']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`execution ${run.stdout.trim()}: TERMINAL \\(stage check: .+\\)\\n$`));
  });

  it("prints the API's refusal on one line and exits 1", async () => {
    const missingParameter = await runGantry(['trigger', waitPipeline, '--url', url]);
    expect(missingParameter.code).toBe(1);
    expect(missingParameter.stderr).toMatch(new RegExp(`^gantry: POST /pipelines/${waitPipeline}/executions: HTTP 400 VALIDATION: .*version.*\\n$`));
    const unknown = await runGantry(['trigger', '00000000-0000-4000-8000-000000000000', '--url', url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^gantry: POST \/pipelines\/00000000-0000-4000-8000-000000000000\/executions: HTTP 404 NOT_FOUND: .+\n$/);
  });

  it('exits 2 on a parameter that is not key=value', async () => {
    const run = await runGantry(['trigger', waitPipeline, '-p', 'version', '--url', url]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'gantry: -p version: expected key=value\n' });
  });
});
