import { describe, expect, it } from 'vitest';
import { TransientTaskError, type TaskResult } from '../Task';
import { makeTaskContext, type ContextOverrides } from '../testContext';
import { buildCreateWebhookTask, createWebhookTask } from './createWebhook';
import { MAX_BODY_BYTES } from '../http/sendRequest';
import { recordingFetch, sendJson, serverPerTest, startTestServer } from '../../../../../test/support/testServer';

const serve = serverPerTest();

function webhookContext(context: Record<string, unknown>, overrides: ContextOverrides = {}) {
  return makeTaskContext({
    ...overrides,
    execution: { id: 'exec-42', ...overrides.execution },
    stage: { id: 'stage-7', attempt: 2, type: 'webhook', context, ...overrides.stage },
    task: { name: 'createWebhook', ...overrides.task },
  });
}

function expectTerminal(result: TaskResult): string {
  expect(result.status).toBe('TERMINAL');
  return result.status === 'TERMINAL' ? result.error : '';
}

describe('createWebhook', () => {
  it('sends method, custom headers, JSON payload and the idempotency headers; outputs status, body, headers', async () => {
    const srv = await serve((_req, res) => sendJson(res, 201, { accepted: true, id: 'job-1' }, { 'x-request-id': 'r-1', 'set-cookie': 'session=secret' }));
    const ctx = webhookContext({
      url: `${srv.origin}/hooks/deploy?env=prod`,
      method: 'post',
      customHeaders: { Authorization: 'Bearer t0k3n', 'X-Tags': ['a', 'b'] },
      payload: { version: '1.2.3', replicas: 3 },
    });

    const result = await createWebhookTask.run(ctx);

    expect(srv.requests).toHaveLength(1);
    const received = srv.requests[0];
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/hooks/deploy?env=prod');
    expect(received?.headers['authorization']).toBe('Bearer t0k3n');
    expect(received?.headers['x-tags']).toBe('a, b');
    expect(received?.headers['idempotency-key']).toBe('exec-42:stage-7:2');
    expect(received?.headers['x-gantry-execution-id']).toBe('exec-42');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received?.body ?? '')).toEqual({ version: '1.2.3', replicas: 3 });

    expect(result.status).toBe('SUCCEEDED');
    const webhook = result.outputs?.['webhook'] as Record<string, unknown>;
    expect(webhook['statusCode']).toBe(201);
    expect(webhook['body']).toEqual({ accepted: true, id: 'job-1' });
    expect(webhook['headers']).toMatchObject({ 'x-request-id': 'r-1', 'content-type': 'application/json' });
    expect(webhook['headers']).not.toHaveProperty('set-cookie');
    expect(webhook).not.toHaveProperty('statusEndpoint');
  });

  it('sends the same idempotency key when re-run for the same attempt (after a crash)', async () => {
    const srv = await serve((_req, res) => sendJson(res, 200, {}));
    const ctx = webhookContext({ url: `${srv.origin}/x`, method: 'PUT', payload: { a: 1 } });
    await createWebhookTask.run(ctx);
    await createWebhookTask.run(ctx);
    expect(srv.requests.map((r) => r.headers['idempotency-key'])).toEqual(['exec-42:stage-7:2', 'exec-42:stage-7:2']);
  });

  it('sends no body for a GET and keeps a text response as text', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
    });
    const result = await createWebhookTask.run(webhookContext({ url: `${srv.origin}/ping` }));
    expect(srv.requests[0]?.method).toBe('GET');
    expect(srv.requests[0]?.body).toBe('');
    expect(srv.requests[0]?.headers['content-type']).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputs?.['webhook']).toMatchObject({ statusCode: 200, body: 'pong' });
  });

  it('keeps a custom content-type for the payload', async () => {
    const srv = await serve((_req, res) => res.writeHead(204).end());
    const result = await createWebhookTask.run(
      webhookContext({ url: srv.origin, method: 'POST', customHeaders: { 'Content-Type': 'application/vnd.api+json' }, payload: [1, 2] }),
    );
    expect(srv.requests[0]?.headers['content-type']).toBe('application/vnd.api+json');
    expect(srv.requests[0]?.body).toBe('[1,2]');
    expect(result.outputs?.['webhook']).toMatchObject({ statusCode: 204, body: null });
  });

  it('fails TERMINAL without retrying on a failFastStatusCode, naming url, method and code', async () => {
    const srv = await serve((_req, res) => sendJson(res, 503, { error: 'maintenance' }));
    const url = `${srv.origin}/hooks/deploy`;
    const result = await createWebhookTask.run(webhookContext({ url, method: 'POST', payload: {}, failFastStatusCodes: [503, 418] }));
    expect(expectTerminal(result)).toBe(`POST ${url} answered 503, one of failFastStatusCodes`);
    expect(result.outputs?.['webhook']).toMatchObject({ statusCode: 503, body: { error: 'maintenance' } });
    expect(srv.requests).toHaveLength(1);
  });

  it('fails TERMINAL on another 4xx, with the code and a snippet of the body', async () => {
    const srv = await serve((_req, res) => sendJson(res, 404, { message: 'no such job: deploy-prod' }));
    const url = `${srv.origin}/job/deploy-prod`;
    const error = expectTerminal(await createWebhookTask.run(webhookContext({ url, method: 'POST' })));
    expect(error).toBe(`POST ${url} answered 404: {"message":"no such job: deploy-prod"}`);
  });

  it.each([
    [503, {}],
    [500, {}],
    [429, {}],
    [409, { retryStatusCodes: [409] }],
  ])('throws TransientTaskError on %d so the engine retries', async (code, extra) => {
    const srv = await serve((_req, res) => {
      res.writeHead(code, { 'content-type': 'text/plain' }).end('try again later');
    });
    const url = `${srv.origin}/flaky`;
    const attempt = createWebhookTask.run(webhookContext({ url, method: 'POST', ...extra }));
    await expect(attempt).rejects.toBeInstanceOf(TransientTaskError);
    await expect(createWebhookTask.run(webhookContext({ url, method: 'POST', ...extra }))).rejects.toThrow(
      `POST ${url} answered ${code}: try again later`,
    );
  });

  it('throws TransientTaskError on a connection failure, saying why', async () => {
    const srv = await serve((_req, res) => res.end());
    const url = `${srv.origin}/gone`;
    await srv.close();
    await expect(createWebhookTask.run(webhookContext({ url }))).rejects.toThrow(new RegExp(`GET ${url} failed: .*ECONNREFUSED`));
  });

  it('throws TransientTaskError when the receiver does not answer within the timeout', async () => {
    const srv = await serve(() => {
      // never answers
    });
    const ctx = webhookContext({ url: `${srv.origin}/slow` }, { services: { webhook: { timeoutMs: 150 } } });
    await expect(createWebhookTask.run(ctx)).rejects.toThrow(/timed out after 150 ms/);
  });

  it('bounds a huge body', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(MAX_BODY_BYTES + 500_000));
    });
    const result = await createWebhookTask.run(webhookContext({ url: srv.origin }));
    const webhook = result.outputs?.['webhook'] as Record<string, unknown>;
    expect(webhook['bodyTruncated']).toBe(true);
    expect((webhook['body'] as string).length).toBe(MAX_BODY_BYTES);
  });

  it('fails TERMINAL before sending anything when the monitor settings are incomplete', async () => {
    const srv = await serve((_req, res) => sendJson(res, 200, {}));
    const error = expectTerminal(
      await createWebhookTask.run(webhookContext({ url: srv.origin, method: 'POST', waitForCompletion: true, statusUrlResolution: 'webhookResponse' })),
    );
    expect(error).toContain('statusJsonPath: statusJsonPath is required when waitForCompletion is true');
    expect(error).toContain('successStatuses: required when waitForCompletion is true');
    expect(error).toContain('statusUrlJsonPath: statusUrlJsonPath is required when statusUrlResolution is webhookResponse');
    expect(expectTerminal(await createWebhookTask.run(webhookContext({ url: srv.origin, payload: { a: 1 } })))).toContain(
      'a GET request cannot carry a payload',
    );
    expect(expectTerminal(await createWebhookTask.run(webhookContext({ url: srv.origin, waitForCompletion: true, statusJsonPath: '$..x', successStatuses: 'OK' })))).toContain(
      'deep scan',
    );
    expect(srv.requests).toHaveLength(0);
  });

  describe('redirects', () => {
    it('follows them, turning a POST into a GET on 303 and keeping it on 307', async () => {
      const srv = await serve((req, res) => {
        if (req.path === '/see-other') return void res.writeHead(303, { location: '/final' }).end();
        if (req.path === '/temporary') return void res.writeHead(307, { location: '/final' }).end();
        sendJson(res, 200, { method: req.method, body: req.body });
      });
      const seeOther = await createWebhookTask.run(webhookContext({ url: `${srv.origin}/see-other`, method: 'POST', payload: { a: 1 } }));
      expect(seeOther.outputs?.['webhook']).toMatchObject({ statusCode: 200, body: { method: 'GET', body: '' } });
      const temporary = await createWebhookTask.run(webhookContext({ url: `${srv.origin}/temporary`, method: 'POST', payload: { a: 1 } }));
      expect(temporary.outputs?.['webhook']).toMatchObject({ statusCode: 200, body: { method: 'POST', body: '{"a":1}' } });
      expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /see-other', 'GET /final', 'POST /temporary', 'POST /final']);
    });

    it('drops Authorization (only) when a redirect leaves the origin', async () => {
      const other = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
      try {
        const srv = await serve((_req, res) => res.writeHead(307, { location: `${other.origin}/elsewhere` }).end());
        const result = await createWebhookTask.run(
          webhookContext({ url: `${srv.origin}/start`, method: 'POST', payload: {}, customHeaders: { Authorization: 'Bearer secret', 'X-Team': 'payments' } }),
        );
        expect(result.status).toBe('SUCCEEDED');
        expect(srv.requests[0]?.headers['authorization']).toBe('Bearer secret');
        const hop = other.requests[0];
        expect(hop?.headers['authorization']).toBeUndefined();
        expect(hop?.headers['x-team']).toBe('payments');
        expect(hop?.headers['idempotency-key']).toBe('exec-42:stage-7:2');
      } finally {
        await other.close();
      }
    });

    it('stops after 5 redirects', async () => {
      const srv = await serve((_req, res) => res.writeHead(302, { location: '/again' }).end());
      const error = expectTerminal(await createWebhookTask.run(webhookContext({ url: `${srv.origin}/start` })));
      expect(error).toContain('too many redirects');
      expect(srv.requests).toHaveLength(6);
    });
  });

  describe('SSRF guard', () => {
    it('refuses the metadata endpoint without sending any request', async () => {
      const recorder = recordingFetch();
      const url = 'http://169.254.169.254/latest/meta-data/';
      const error = expectTerminal(await createWebhookTask.run(webhookContext({ url }, { services: { fetch: recorder.fetch } })));
      expect(error).toBe(
        `GET ${url} refused: 169.254.169.254 is a link-local/metadata address; add it to GANTRY_WEBHOOK_ALLOWED_HOSTS to allow`,
      );
      expect(recorder.urls).toEqual([]);
    });

    it('refuses the decimal form of the metadata address', async () => {
      const recorder = recordingFetch();
      const error = expectTerminal(
        await createWebhookTask.run(webhookContext({ url: 'http://2852039166/latest/meta-data/', method: 'POST' }, { services: { fetch: recorder.fetch } })),
      );
      expect(error).toContain('http://2852039166/latest/meta-data/ refused: 169.254.169.254 is a link-local/metadata address');
      expect(recorder.urls).toEqual([]);
    });

    it('refuses a redirect to the metadata endpoint, sending nothing there', async () => {
      const srv = await serve((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end());
      const recorder = recordingFetch();
      const url = `${srv.origin}/innocent`;
      const error = expectTerminal(await createWebhookTask.run(webhookContext({ url }, { services: { fetch: recorder.fetch } })));
      expect(error).toBe(
        `GET ${url} refused: 169.254.169.254 is a link-local/metadata address; add it to GANTRY_WEBHOOK_ALLOWED_HOSTS to allow (redirected to http://169.254.169.254/latest/meta-data/iam/)`,
      );
      expect(recorder.urls).toEqual([url]);
    });

    it('refuses a host name that resolves to a metadata address', async () => {
      const task = buildCreateWebhookTask({ lookup: async () => ['169.254.169.254'] });
      const recorder = recordingFetch();
      const error = expectTerminal(await task.run(webhookContext({ url: 'http://metadata.attacker.example/' }, { services: { fetch: recorder.fetch } })));
      expect(error).toContain('metadata.attacker.example resolves to 169.254.169.254');
      expect(recorder.urls).toEqual([]);
    });

    it('lets an allow-listed host through', async () => {
      // A tripwire instead of the network: the test must prove the guard let the request go to fetch
      // without ever touching a real metadata service from the test machine.
      const attempted: string[] = [];
      const tripwire: typeof fetch = async (input) => {
        attempted.push(String(input));
        throw new TypeError('fetch failed', { cause: new Error('tripwire: test does not leave loopback') });
      };
      const url = 'http://169.254.169.254/latest/meta-data/';
      const ctx = webhookContext({ url }, { services: { fetch: tripwire, webhook: { allowedHosts: ['169.254.169.254'] } } });
      await expect(createWebhookTask.run(ctx)).rejects.toThrow(`GET ${url} failed: tripwire: test does not leave loopback`);
      expect(attempted).toEqual([url]);
    });

    it('reads the stage through core\'s schema: a method the API refuses (OPTIONS) is refused before sending', async () => {
      const srv = await serve((_req, res) => sendJson(res, 200, {}));
      const error = expectTerminal(await createWebhookTask.run(webhookContext({ url: srv.origin, method: 'OPTIONS' })));
      expect(error).toContain('invalid webhook stage: method:');
      expect(srv.requests).toHaveLength(0);
    });

    // The stage's schema refuses them first (ssrfGuard.test.ts covers the guard's own refusal).
    it('refuses non-http schemes', async () => {
      const error = expectTerminal(await createWebhookTask.run(webhookContext({ url: 'file:///etc/passwd' })));
      expect(error).toContain('url: expected an http(s) URL');
    });
  });
});
