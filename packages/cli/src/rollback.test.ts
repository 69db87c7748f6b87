import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGantry } from './testSupport';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * Answers like Gantry's rollback endpoint: 202 {id} for checkout-prod, 409 when there is nothing
 * to roll back to, 404 for an unknown application. The execution it creates is RUNNING on the first
 * read and then ends: SUCCEEDED for exec-ok, TERMINAL with a stage error for exec-bad.
 */
async function startFakeApi() {
  const seen: Seen[] = [];
  const reads = new Map<string, number>();
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const path = request.url ?? '/';
      seen.push({ method: request.method ?? '', path, headers: request.headers, body: raw === '' ? undefined : JSON.parse(raw) });
      const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const rollback = /^\/api\/v1\/applications\/([^/]+)\/clusters\/([^/]+)\/rollback$/.exec(path);
      if (request.method === 'POST' && rollback) {
        const [, app, cluster] = rollback;
        if (app === 'ghost') return send(404, { error: { code: 'NOT_FOUND', message: 'no cluster ghost-prod in any account', details: {} } });
        if (cluster === 'checkout-stuck') {
          return send(409, { error: { code: 'CONFLICT', message: 'cannot roll back cluster checkout-stuck: no earlier server group was healthy', details: {} } });
        }
        return send(202, { id: cluster === 'checkout-broken' ? 'exec-bad' : 'exec-ok', status: 'NOT_STARTED' });
      }
      const execution = /^\/api\/v1\/executions\/([^/]+)$/.exec(path);
      if (request.method === 'GET' && execution) {
        const id = execution[1]!;
        const count = (reads.get(id) ?? 0) + 1;
        reads.set(id, count);
        if (count === 1) return send(200, { id, status: 'RUNNING', stages: [{ refId: 'rollback', status: 'RUNNING', error: null }] });
        if (id === 'exec-ok') return send(200, { id, status: 'SUCCEEDED', stages: [{ refId: 'rollback', status: 'SUCCEEDED', error: null }] });
        return send(200, { id, status: 'TERMINAL', stages: [{ refId: 'rollback', status: 'TERMINAL', error: { message: 'checkout-prod-v002 did not come up in 600 s' } }] });
      }
      return send(404, { error: { code: 'NOT_FOUND', message: `Route ${request.method} ${path} not found`, details: {} } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('gantry rollback', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(() => api.close());

  it('POSTs the rollback with the options as the API names them and prints the execution id', async () => {
    const run = await runGantry([
      'rollback', 'checkout', 'checkout-prod',
      '--account', 'k8s-prod', '--location', 'checkout', '--server-group', 'checkout-prod-v002', '--reason', 'p99 doubled',
      '--url', api.url,
    ]);
    expect(run).toEqual({ code: 0, stdout: 'exec-ok\n', stderr: '' });
    const request = api.seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/applications/checkout/clusters/checkout-prod/rollback' });
    expect(request.body).toEqual({ account: 'k8s-prod', location: 'checkout', serverGroupName: 'checkout-prod-v002', reason: 'p99 doubled' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-gantry-user']).toBe('cli-test');
  });

  it('sends an empty body when no option is given, and takes the URL from GANTRY_URL', async () => {
    const run = await runGantry(['rollback', 'checkout', 'checkout-prod'], { env: { GANTRY_URL: api.url } });
    expect(run.code).toBe(0);
    expect(api.seen.at(-1)!.body).toEqual({});
  });

  it("prints the API's message on stderr and exits 1 on 404 and 409", async () => {
    const conflict = await runGantry(['rollback', 'checkout', 'checkout-stuck', '--url', api.url]);
    expect(conflict).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gantry: POST /applications/checkout/clusters/checkout-stuck/rollback: HTTP 409 CONFLICT: cannot roll back cluster checkout-stuck: no earlier server group was healthy\n',
    });
    const missing = await runGantry(['rollback', 'ghost', 'ghost-prod', '--url', api.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('gantry: POST /applications/ghost/clusters/ghost-prod/rollback: HTTP 404 NOT_FOUND: no cluster ghost-prod in any account\n');
  });

  it('with --wait, polls the execution and exits 0 only when it SUCCEEDED', async () => {
    const ok = await runGantry(['rollback', 'checkout', 'checkout-prod', '--url', api.url, '--wait', '--poll-ms', '20']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('exec-ok\n');
    expect(ok.stderr).toBe('execution exec-ok: RUNNING\nexecution exec-ok: SUCCEEDED\n');
    const bad = await runGantry(['rollback', 'checkout', 'checkout-broken', '--url', api.url, '--wait', '--poll-ms', '20']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('exec-bad\n');
    expect(bad.stderr).toContain('execution exec-bad: TERMINAL (stage rollback: checkout-prod-v002 did not come up in 600 s)\n');
  });

  it('names the URL when Gantry cannot be reached', async () => {
    const gone = await startFakeApi();
    await gone.close();
    const run = await runGantry(['rollback', 'checkout', 'checkout-prod', '--url', gone.url]);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `gantry: cannot reach Gantry at ${gone.url}: ECONNREFUSED\n` });
  });
});
