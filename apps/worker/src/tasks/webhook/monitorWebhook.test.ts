import { describe, expect, it } from 'vitest';
import type { TaskContext, TaskResult } from '../Task';
import { makeTaskContext, nextTask, runUntilComplete } from '../testContext';
import { createWebhookTask } from './createWebhook';
import { MAX_CONSECUTIVE_POLL_FAILURES, monitorWebhookTask } from './monitorWebhook';
import { recordingFetch, sendJson, serverPerTest } from '../../../../../test/support/testServer';

const serve = serverPerTest();

const monitorSettings = {
  waitForCompletion: true,
  statusJsonPath: '$.status',
  successStatuses: 'SUCCESS, DONE',
  canceledStatuses: 'CANCELED',
  terminalStatuses: 'FAILED,ERROR',
  pollInterval: 0.05,
};

/** Runs createWebhook, then hands its outputs to monitorWebhook as the engine does. */
async function createThenMonitor(context: Record<string, unknown>, ctxOverrides: Parameters<typeof makeTaskContext>[0] = {}) {
  const ctx = makeTaskContext({ ...ctxOverrides, stage: { type: 'webhook', context }, task: { name: 'createWebhook' } });
  const created = await createWebhookTask.run(ctx);
  expect(created.status).toBe('SUCCEEDED');
  return { created, monitorCtx: nextTask(ctx, created, 'monitorWebhook') };
}

function monitorOutput(outputs: Record<string, unknown>): Record<string, unknown> {
  return (outputs['webhook'] as Record<string, unknown>)['monitor'] as Record<string, unknown>;
}

describe('monitorWebhook', () => {
  it('getMethod: polls the webhook URL with GET until a success status', async () => {
    let polls = 0;
    const srv = await serve((req, res) => {
      if (req.method === 'POST') return sendJson(res, 202, { queued: true });
      polls++;
      sendJson(res, 200, polls < 3 ? { status: 'RUNNING', progress: `${polls * 33}%` } : { status: 'success', progress: '100%' });
    });
    const url = `${srv.origin}/builds/7`;
    const { monitorCtx } = await createThenMonitor({ url, method: 'POST', payload: {}, customHeaders: { 'X-Token': 's3cret' }, progressJsonPath: 'progress', ...monitorSettings });

    const first = await monitorWebhookTask.run(monitorCtx);
    expect(first).toMatchObject({ status: 'RUNNING', retryAfterMs: 50 });
    expect(monitorOutput(first.outputs ?? {})).toEqual({ statusCode: 200, body: { status: 'RUNNING', progress: '33%' }, status: 'RUNNING', progress: '33%' });

    const { result, runs, outputs } = await runUntilComplete(monitorWebhookTask, monitorCtx);
    expect(result.status).toBe('SUCCEEDED');
    expect(runs).toBe(2); // polls 2 and 3
    const webhook = outputs['webhook'] as Record<string, unknown>;
    // createWebhook's outputs survive the monitor's (engine merges outputs shallowly).
    expect(webhook['statusCode']).toBe(202);
    expect(webhook['body']).toEqual({ queued: true });
    expect(webhook['statusEndpoint']).toBe(url);
    expect(monitorOutput(outputs)).toEqual({ statusCode: 200, body: { status: 'success', progress: '100%' }, status: 'success', progress: '100%' });

    const gets = srv.requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(3);
    expect(gets.every((r) => r.path === '/builds/7' && r.headers['x-token'] === 's3cret' && r.headers['x-gantry-execution-id'] === 'exec-1')).toBe(true);
  });

  it('locationHeader: polls the Location of the response (relative to the webhook URL)', async () => {
    let polls = 0;
    const srv = await serve((req, res) => {
      if (req.method === 'POST') return void res.writeHead(201, { location: '/jobs/42' }).end();
      if (req.path !== '/jobs/42') return sendJson(res, 404, {});
      polls++;
      sendJson(res, 200, { job: { state: polls < 2 ? 'PENDING' : 'DONE' } });
    });
    const { created, monitorCtx } = await createThenMonitor({
      url: `${srv.origin}/jobs`,
      method: 'POST',
      payload: { name: 'x' },
      statusUrlResolution: 'locationHeader',
      ...monitorSettings,
      statusJsonPath: 'job.state',
    });
    expect((created.outputs?.['webhook'] as Record<string, unknown>)['statusEndpoint']).toBe(`${srv.origin}/jobs/42`);
    expect(created.state).toEqual({ statusEndpoint: `${srv.origin}/jobs/42` });

    const { result, runs, outputs } = await runUntilComplete(monitorWebhookTask, monitorCtx);
    expect(result.status).toBe('SUCCEEDED');
    expect(runs).toBe(2);
    expect(monitorOutput(outputs)['status']).toBe('DONE');
    expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /jobs', 'GET /jobs/42', 'GET /jobs/42']);
  });

  it('webhookResponse: polls the URL read from the response body at statusUrlJsonPath', async () => {
    let polls = 0;
    const srv = await serve((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, { links: [{ 'status-url': `http://${req.headers.host}/runs/9/status` }] });
      polls++;
      sendJson(res, 200, { 'run-state': { name: polls < 4 ? 'IN_PROGRESS' : 'Success' } });
    });
    const { monitorCtx } = await createThenMonitor({
      url: `${srv.origin}/runs`,
      method: 'POST',
      payload: {},
      statusUrlResolution: 'webhookResponse',
      statusUrlJsonPath: "$.links[0]['status-url']",
      ...monitorSettings,
      statusJsonPath: "$['run-state'].name",
    });
    const { result, runs, outputs } = await runUntilComplete(monitorWebhookTask, monitorCtx);
    expect(result.status).toBe('SUCCEEDED');
    expect(runs).toBe(4);
    expect(monitorOutput(outputs)['status']).toBe('Success');
    expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /runs', ...Array<string>(4).fill('GET /runs/9/status')]);
  });

  it('createWebhook fails TERMINAL when the response has no status URL where it should', async () => {
    const srv = await serve((_req, res) => sendJson(res, 200, { links: [] }));
    const ctx = makeTaskContext({
      stage: {
        context: { url: srv.origin, method: 'POST', statusUrlResolution: 'webhookResponse', statusUrlJsonPath: '$.links[0].href', ...monitorSettings },
      },
    });
    const result = await createWebhookTask.run(ctx);
    expect(result.status).toBe('TERMINAL');
    if (result.status === 'TERMINAL') expect(result.error).toContain('no status URL at statusUrlJsonPath $.links[0].href in the response: {"links":[]}');
  });

  it.each([
    ['FAILED', 'reported terminal status "FAILED"'],
    ['error', 'reported terminal status "error"'],
    ['Canceled', 'canceled by remote: GET '],
  ])('fails TERMINAL when the remote reports %s', async (remoteStatus, message) => {
    const srv = await serve((_req, res) => sendJson(res, 200, { status: remoteStatus, detail: 'disk full' }));
    const { monitorCtx } = await createThenMonitor({ url: `${srv.origin}/job`, ...monitorSettings });
    const result = await monitorWebhookTask.run(monitorCtx);
    expect(result.status).toBe('TERMINAL');
    if (result.status !== 'TERMINAL') return;
    expect(result.error).toContain(message);
    expect(monitorOutput(result.outputs ?? {})).toMatchObject({ status: remoteStatus, body: { status: remoteStatus, detail: 'disk full' } });
  });

  it('keeps polling through 5xx and network errors, counting them, and resets the count on a good poll', async () => {
    let call = 0;
    const srv = await serve((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, {});
      call++;
      if (call <= 2) return sendJson(res, 502, { error: 'bad gateway' });
      sendJson(res, 200, { status: call === 3 ? 'RUNNING' : 'SUCCESS' });
    });
    const { monitorCtx } = await createThenMonitor({ url: `${srv.origin}/job`, method: 'POST', ...monitorSettings });

    let ctx: TaskContext = monitorCtx;
    const results: TaskResult[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await monitorWebhookTask.run(ctx);
      results.push(result);
      ctx = { ...ctx, task: { ...ctx.task, state: result.state ?? ctx.task.state } };
    }
    expect(results.map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(results[0]?.state).toEqual({ consecutiveFailures: 1, lastError: 'answered 502: {"error":"bad gateway"}' });
    expect(results[1]?.state).toMatchObject({ consecutiveFailures: 2 });
    expect(results[2]?.state).toEqual({ consecutiveFailures: 0 });
  });

  it(`gives up after ${MAX_CONSECUTIVE_POLL_FAILURES} consecutive failed polls with the last error`, async () => {
    const srv = await serve((req, res) => (req.method === 'POST' ? sendJson(res, 200, {}) : sendJson(res, 503, { error: 'down' })));
    const url = `${srv.origin}/job`;
    const { monitorCtx } = await createThenMonitor({ url, method: 'POST', ...monitorSettings });
    const { result, runs } = await runUntilComplete(monitorWebhookTask, monitorCtx);
    expect(runs).toBe(MAX_CONSECUTIVE_POLL_FAILURES);
    expect(result).toEqual({ status: 'TERMINAL', error: `GET ${url} failed 10 times in a row; last error: answered 503: {"error":"down"}` });
  });

  it('counts a refused connection as a failed poll', async () => {
    const srv = await serve((_req, res) => sendJson(res, 200, {}));
    const { monitorCtx } = await createThenMonitor({ url: `${srv.origin}/job`, method: 'POST', ...monitorSettings });
    await srv.close();
    const result = await monitorWebhookTask.run(monitorCtx);
    expect(result.status).toBe('RUNNING');
    expect(String(result.state?.['lastError'])).toMatch(/ECONNREFUSED/);
  });

  it('fails TERMINAL when the status is not at statusJsonPath', async () => {
    const srv = await serve((_req, res) => sendJson(res, 200, { state: 'SUCCESS' }));
    const { monitorCtx } = await createThenMonitor({ url: `${srv.origin}/job`, ...monitorSettings });
    const result = await monitorWebhookTask.run(monitorCtx);
    expect(result.status).toBe('TERMINAL');
    if (result.status === 'TERMINAL') expect(result.error).toContain('no status at statusJsonPath $.status in the response: {"state":"SUCCESS"}');
  });

  it('fails TERMINAL on a non-retryable 4xx from the status URL', async () => {
    let call = 0;
    const srv = await serve((_req, res) => (call++ === 0 ? sendJson(res, 200, {}) : sendJson(res, 404, { error: 'job expired' })));
    const { monitorCtx } = await createThenMonitor({ url: `${srv.origin}/job`, method: 'POST', ...monitorSettings });
    const result = await monitorWebhookTask.run(monitorCtx);
    expect(result).toEqual({ status: 'TERMINAL', error: `GET ${srv.origin}/job answered 404: {"error":"job expired"}` });
  });

  it('refuses a status URL that points at the metadata service, without requesting it', async () => {
    const srv = await serve((_req, res) => sendJson(res, 200, { statusUrl: 'http://169.254.169.254/latest/meta-data/' }));
    const recorder = recordingFetch();
    const { monitorCtx } = await createThenMonitor(
      { url: `${srv.origin}/job`, method: 'POST', statusUrlResolution: 'webhookResponse', statusUrlJsonPath: 'statusUrl', ...monitorSettings },
      { services: { fetch: recorder.fetch } },
    );
    const result = await monitorWebhookTask.run(monitorCtx);
    expect(result).toEqual({
      status: 'TERMINAL',
      error:
        'GET http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a link-local/metadata address; add it to GANTRY_WEBHOOK_ALLOWED_HOSTS to allow',
    });
    expect(recorder.urls).toEqual([`${srv.origin}/job`]);
  });

  it('fails TERMINAL when createWebhook recorded no status URL for a locationHeader webhook', async () => {
    const ctx = makeTaskContext({
      stage: { context: { url: 'http://127.0.0.1:9/x', statusUrlResolution: 'locationHeader', ...monitorSettings }, outputs: {} },
    });
    const result = await monitorWebhookTask.run(ctx);
    expect(result.status).toBe('TERMINAL');
    if (result.status === 'TERMINAL') expect(result.error).toContain('no status URL recorded by createWebhook');
  });
});
