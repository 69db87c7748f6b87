import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../apps/api/src';
import { injectJson } from '../../apps/api/src/testSupport';
import { startWorker, type RunningWorker } from '../../apps/worker/src';
import { REDACTED } from '../../packages/core/src';
import { apiStores, startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * Issue 14, secrets in pipelines: a webhook stage with an Authorization header (and a password in
 * its payload, and secret references). The secret values reach the receiver, and appear in no API
 * answer, no log line (API and worker, at trace level) and no audit event.
 */

const AUTHORIZATION = 'Bearer s3cr3t-authz-7d1f0c';
const PASSWORD = 'pw-9c2e55aa-hunter2';
const REFERENCED = 'ref-secret-41b7e2';
const SECRETS = [AUTHORIZATION, 's3cr3t-authz-7d1f0c', PASSWORD, REFERENCED];

describe('secrets in pipelines', () => {
  let gantry: TestGantry;
  let worker: RunningWorker;
  let api: FastifyInstance;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const logLines: string[] = [];
  const answers: string[] = [];

  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const capturingLog = {
    info: (object: object, message?: string) => logLines.push(JSON.stringify({ object, message })),
    warn: (object: object, message?: string) => logLines.push(JSON.stringify({ object, message })),
    error: (object: object, message?: string) => logLines.push(JSON.stringify({ object, message })),
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    gantry = await startTestGantry({ worker: false });
    worker = startWorker({
      db: gantry.database.db,
      bus: gantry.bus,
      queue: gantry.queue,
      log: capturingLog,
      reconcileIntervalMs: 0,
      secrets: { 'ci-key': REFERENCED },
    });
    api = buildServer({
      // Authentication is not what this test is about: an API on loopback with it off.
      auth: { mode: 'off' },
      ...apiStores(gantry.database, gantry.bus),
      readiness: async () => [],
      logger: { level: 'trace', stream: capture },
    });
    await api.ready();
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await gantry?.stop();
    receiver?.close();
  });

  async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
    const response = await injectJson(api, method, url, body);
    answers.push(response.body);
    return { status: response.statusCode, body: response.body === '' ? undefined : (JSON.parse(response.body) as Record<string, unknown>) };
  }

  it('an Authorization header: sent to the receiver, shown nowhere; a GET → PUT round trip keeps it', async () => {
    const definition = {
      application: 'secrets',
      name: 'notify',
      stages: [
        {
          refId: 'hook',
          type: 'webhook',
          url: receiverUrl,
          method: 'POST',
          customHeaders: { Authorization: AUTHORIZATION, 'X-Api-Key': { secret: 'ci-key' }, 'X-Team': 'payments' },
          payload: { user: 'deployer', password: PASSWORD, token: { secret: 'ci-key' } },
        },
      ],
    };
    const created = await call('POST', '/api/v1/pipelines', definition);
    expect(created.status).toBe(201);
    const id = String(created.body?.id);

    const shown = await call('GET', `/api/v1/pipelines/${id}`);
    const stage = (shown.body?.definition as { stages: Record<string, unknown>[] }).stages[0]!;
    expect(stage.customHeaders).toEqual({ Authorization: REDACTED, 'X-Api-Key': { secret: 'ci-key' }, 'X-Team': 'payments' });
    expect(stage.payload).toEqual({ user: 'deployer', password: REDACTED, token: { secret: 'ci-key' } });

    // An editor's round trip: what GET showed goes back unchanged (with one real edit).
    const { application, name, stages } = shown.body?.definition as Record<string, unknown>;
    const edited = { application, name, description: 'edited', stages };
    const saved = await call('PUT', `/api/v1/pipelines/${id}`, edited);
    expect(saved.status).toBe(200);
    const { rows } = await gantry.database.db.pool.query<{ definition: { stages: { customHeaders: Record<string, unknown>; payload: Record<string, unknown> }[] } }>(
      'SELECT definition FROM pipeline_versions WHERE pipeline_id = $1 ORDER BY version DESC LIMIT 1',
      [id],
    );
    expect(rows[0]!.definition.stages[0]!.customHeaders.Authorization).toBe(AUTHORIZATION);
    expect(rows[0]!.definition.stages[0]!.payload.password).toBe(PASSWORD);

    // The marker where no secret is stored is refused, naming the field.
    const refused = await call('PUT', `/api/v1/pipelines/${id}`, {
      ...edited,
      stages: [{ ...stage, customHeaders: { ...(stage.customHeaders as object), 'Proxy-Authorization': REDACTED } }],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('stages.0.customHeaders.Proxy-Authorization');

    const triggered = await call('POST', `/api/v1/pipelines/${id}/executions`, { parameters: {} });
    expect(triggered.status).toBe(202);
    const executionId = String(triggered.body?.id);
    const execution = await gantry.waitFor(executionId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.authorization).toBe(AUTHORIZATION);
    expect(received[0]!.headers['x-api-key']).toBe(REFERENCED);
    expect(JSON.parse(received[0]!.body)).toEqual({ user: 'deployer', password: PASSWORD, token: REFERENCED });

    for (const url of [
      '/api/v1/pipelines',
      `/api/v1/pipelines/${id}`,
      `/api/v1/pipelines/${id}/versions`,
      `/api/v1/pipelines/${id}/versions/1`,
      `/api/v1/pipelines/${id}/versions/2`,
      `/api/v1/executions?pipelineId=${id}`,
      `/api/v1/executions/${executionId}`,
      `/api/v1/executions/${executionId}/events`,
    ]) {
      expect((await call('GET', url)).status, url).toBe(200);
    }
    const executionShown = await call('GET', `/api/v1/executions/${executionId}`);
    expect(JSON.stringify(executionShown.body)).toContain(REDACTED);

    const audit = await gantry.database.db.pool.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM audit_events a');
    expect(audit.rows.length).toBeGreaterThan(3);
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of SECRETS) {
      for (const answer of answers) expect(answer, 'an API answer').not.toContain(secret);
      for (const line of logLines) expect(line, 'a log line').not.toContain(secret);
      for (const event of audit.rows) expect(event.row, 'an audit event').not.toContain(secret);
    }
  });
});
