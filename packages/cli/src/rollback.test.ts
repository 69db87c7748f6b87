import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startTestServer, type TestServer } from '../../../test/support/testServer';
import { CLI_TEST_TOKEN, runGantry } from './testSupport';

/**
 * Answers like Gantry's rollback endpoint: 202 {id} for checkout-prod, 409 when there is nothing
 * to roll back to, 404 for an unknown application. The execution it creates is RUNNING on the first
 * read and then ends: SUCCEEDED for exec-ok, TERMINAL with a stage error for exec-bad.
 */
function startFakeApi(): Promise<TestServer> {
  const reads = new Map<string, number>();
  return startTestServer(({ method, path }, response) => {
    const send = (status: number, body: unknown) => sendJson(response, status, body);
    const rollback = /^\/api\/v1\/applications\/([^/]+)\/clusters\/([^/]+)\/rollback$/.exec(path);
    if (method === 'POST' && rollback) {
      const [, app, cluster] = rollback;
      if (app === 'ghost') return send(404, { error: { code: 'NOT_FOUND', message: 'no cluster ghost-prod in any account', details: {} } });
      if (cluster === 'checkout-stuck') {
        return send(409, { error: { code: 'CONFLICT', message: 'cannot roll back cluster checkout-stuck: no earlier server group was healthy', details: {} } });
      }
      return send(202, { id: cluster === 'checkout-broken' ? 'exec-bad' : 'exec-ok', status: 'NOT_STARTED' });
    }
    const execution = /^\/api\/v1\/executions\/([^/]+)$/.exec(path);
    if (method === 'GET' && execution) {
      const id = execution[1]!;
      const count = (reads.get(id) ?? 0) + 1;
      reads.set(id, count);
      if (count === 1) return send(200, { id, status: 'RUNNING', stages: [{ refId: 'rollback', status: 'RUNNING', error: null }] });
      if (id === 'exec-ok') return send(200, { id, status: 'SUCCEEDED', stages: [{ refId: 'rollback', status: 'SUCCEEDED', error: null }] });
      return send(200, { id, status: 'TERMINAL', stages: [{ refId: 'rollback', status: 'TERMINAL', error: { message: 'checkout-prod-v002 did not come up in 600 s' } }] });
    }
    return send(404, { error: { code: 'NOT_FOUND', message: `Route ${method} ${path} not found`, details: {} } });
  });
}

describe('gantry rollback', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(() => api.close());

  it('POSTs the rollback with the options as the API names them and prints the execution id', async () => {
    const run = await runGantry([
      'rollback', 'checkout', 'checkout-prod',
      '--account', 'k8s-prod', '--location', 'checkout', '--server-group', 'checkout-prod-v002', '--reason', 'p99 doubled',
      '--url', api.origin,
    ]);
    expect(run).toEqual({ code: 0, stdout: 'exec-ok\n', stderr: '' });
    const request = api.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/applications/checkout/clusters/checkout-prod/rollback' });
    expect(JSON.parse(request.body)).toEqual({ account: 'k8s-prod', location: 'checkout', serverGroupName: 'checkout-prod-v002', reason: 'p99 doubled' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe(`Bearer ${CLI_TEST_TOKEN}`);
  });

  it('sends an empty body when no option is given, and takes the URL from GANTRY_URL', async () => {
    const run = await runGantry(['rollback', 'checkout', 'checkout-prod'], { env: { GANTRY_URL: api.origin } });
    expect(run.code).toBe(0);
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({});
  });

  it("prints the API's message on stderr and exits 1 on 404 and 409", async () => {
    const conflict = await runGantry(['rollback', 'checkout', 'checkout-stuck', '--url', api.origin]);
    expect(conflict).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gantry: POST /applications/checkout/clusters/checkout-stuck/rollback: HTTP 409 CONFLICT: cannot roll back cluster checkout-stuck: no earlier server group was healthy\n',
    });
    const missing = await runGantry(['rollback', 'ghost', 'ghost-prod', '--url', api.origin]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('gantry: POST /applications/ghost/clusters/ghost-prod/rollback: HTTP 404 NOT_FOUND: no cluster ghost-prod in any account\n');
  });

  it('with --wait, polls the execution and exits 0 only when it SUCCEEDED', async () => {
    const ok = await runGantry(['rollback', 'checkout', 'checkout-prod', '--url', api.origin, '--wait', '--poll-ms', '20']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('exec-ok\n');
    expect(ok.stderr).toBe('execution exec-ok: RUNNING\nexecution exec-ok: SUCCEEDED\n');
    const bad = await runGantry(['rollback', 'checkout', 'checkout-broken', '--url', api.origin, '--wait', '--poll-ms', '20']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('exec-bad\n');
    expect(bad.stderr).toContain('execution exec-bad: TERMINAL (stage rollback: checkout-prod-v002 did not come up in 600 s)\n');
  });

  it('names the URL when Gantry cannot be reached', async () => {
    const gone = await startFakeApi();
    await gone.close();
    const run = await runGantry(['rollback', 'checkout', 'checkout-prod', '--url', gone.origin]);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `gantry: cannot reach Gantry at ${gone.origin}: ECONNREFUSED\n` });
  });
});
