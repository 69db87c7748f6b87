import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('webhook stage through the engine', () => {
  let gantry: TestGantry;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let jobPolls = 0;

  beforeAll(async () => {
    gantry = await startTestGantry();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(value));
        };
        if (req.url === '/deploy') return json(200, { accepted: true, build: 17 });
        if (req.url === '/conflict') return json(409, { error: 'locked' });
        if (req.url === '/jobs' && req.method === 'POST') return json(202, { id: 'job-1' }, { location: `${base}/jobs/job-1` });
        if (req.url === '/jobs/job-1') {
          jobPolls += 1;
          return json(200, { state: jobPolls < 3 ? 'RUNNING' : 'SUCCESS', progress: `${jobPolls}/3` });
        }
        return json(404, {});
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await gantry?.stop();
  });

  const run = async (stage: Record<string, unknown>) => {
    const id = await gantry.savePipeline({
      application: 'hooks',
      name: `h-${Math.random().toString(36).slice(2, 10)}`,
      stages: [{ refId: 'hook', type: 'webhook', ...stage }],
    });
    return gantry.waitFor(await gantry.trigger(id));
  };

  it('calls the URL with method, headers, body and an idempotency key, and exposes the response', async () => {
    const execution = await run({
      url: `${base}/deploy`,
      method: 'POST',
      customHeaders: { 'X-Team': 'payments' },
      payload: { version: '1.2.3' },
    });
    expect(execution.status).toBe('SUCCEEDED');
    const call = received.find((r) => r.url === '/deploy')!;
    expect(call.method).toBe('POST');
    expect(call.headers['x-team']).toBe('payments');
    expect(JSON.parse(call.body)).toEqual({ version: '1.2.3' });
    expect(call.headers['idempotency-key']).toBe(`${execution.id}:${stageOf(execution, 'hook').id}:0`);
    expect(stageOf(execution, 'hook').outputs).toMatchObject({ webhook: { statusCode: 200, body: { accepted: true, build: 17 } } });
  });

  it('fails the stage on a fail-fast status code', async () => {
    const execution = await run({ url: `${base}/conflict`, method: 'POST', failFastStatusCodes: [409] });
    expect(execution.status).toBe('TERMINAL');
    expect(String(stageOf(execution, 'hook').error?.message)).toContain('409');
  });

  it('polls the status URL from the Location header until the job succeeds', async () => {
    const execution = await run({
      url: `${base}/jobs`,
      method: 'POST',
      waitForCompletion: true,
      statusUrlResolution: 'locationHeader',
      statusJsonPath: '$.state',
      progressJsonPath: '$.progress',
      successStatuses: 'SUCCESS',
      terminalStatuses: 'FAILED',
      pollInterval: 0.05,
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(jobPolls).toBe(3);
    expect(stageOf(execution, 'hook').outputs).toMatchObject({ webhook: { monitor: { status: 'SUCCESS', progress: '3/3' } } });
  });

  it('refuses to call a cloud metadata address', async () => {
    const before = received.length;
    const execution = await run({ url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
    expect(execution.status).toBe('TERMINAL');
    expect(String(stageOf(execution, 'hook').error?.message)).toMatch(/refused.*169\.254\.169\.254/);
    expect(received.length).toBe(before);
  });
});
