import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { freePort } from '../../packages/providers/src/local/ports';
import { browserAvailable, launchBrowser, newPage, screenshot } from '../support/browser';
import { renderWaterfall } from '../support/traceWaterfall';
import { processAuth, spawnGantry, waitForOutput, waitForReady, type GantryProcess } from '../support/gantryProcess';
import { accountsYaml, deployStage } from '../support/serverGroups';
import { REDIS_URL } from '../support/services';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '../support/testDatabase';
import { listen, startOtlpReceiver, startZipkinReceiver, type ReceivedSpan, type Receiver } from '../support/traceReceivers';

/**
 * Issue 22's acceptance: one execution is one trace across an API process and two worker
 * processes, exported by the official SDK to an OTLP/HTTP receiver and a Zipkin v2 receiver of this
 * file's own. The pipeline sends a webhook, then deploys a server group and a manifest to the fake
 * Kubernetes (CloudProvider calls and manifest client calls, both provider calls in the trace).
 */

describe('one execution is one trace: API and two workers, OTLP/HTTP and Zipkin', () => {
  let database: TestDatabase;
  let fake: FakeKubernetes;
  let otlp: Receiver;
  let zipkin: Receiver;
  let webhook: { server: Server; url: string; traceparents: string[] };
  const processes: GantryProcess[] = [];
  let base: string;

  beforeAll(async () => {
    [database, fake, otlp, zipkin] = await Promise.all([createTestDatabase(), startFakeKubernetes({ readyDelayMs: 100 }), startOtlpReceiver(), startZipkinReceiver()]);
    const traceparents: string[] = [];
    const hookServer = createServer((request, response) => {
      traceparents.push(String(request.headers.traceparent ?? 'none'));
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    webhook = { server: hookServer, url: await listen(hookServer), traceparents };
    const accountsFile = join(mkdtempSync(join(tmpdir(), 'gantry-tracing-')), 'accounts.yaml');
    writeFileSync(accountsFile, accountsYaml(fake));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      GANTRY_QUEUE_PREFIX: testQueuePrefix(),
      GANTRY_DATA_DIR: undefined,
      GANTRY_ACCOUNTS_FILE: accountsFile,
      GANTRY_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The standard variables, nothing of Gantry's own: both exporters at once.
      OTEL_TRACES_EXPORTER: 'otlp,zipkin',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.url}/v1/traces`,
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkin.url}/api/v2/spans`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_SERVICE_NAME: undefined,
      OTEL_SDK_DISABLED: undefined,
    };
    const api = spawnGantry({ ...env, PORT: String(port) }, 'api');
    processes.push(api);
    await waitForReady(base, api);
    for (let i = 0; i < 2; i++) processes.push(spawnGantry({ ...env, LOG_LEVEL: 'info' }, 'worker'));
    // Two cores shared by many test processes: a worker's start (tsx compiling) may take a while.
    await Promise.all(processes.slice(1).map((worker) => waitForOutput(worker, 'worker started', 150_000)));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.kill('SIGTERM')));
    for (const server of [otlp?.server, zipkin?.server, webhook?.server]) await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await fake?.close();
    await database?.drop();
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...processAuth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('exports one tree: the launch request at the root, stages under it, tasks under their stages, provider calls under their tasks, traceparent on the webhook', async () => {
    const saved = await call('POST', '/api/v1/pipelines', {
      application: 'traced',
      name: 'hook-then-deploy',
      stages: [
        { refId: 'hook', type: 'webhook', url: `${webhook.url}/released`, method: 'POST', payload: { id: '${execution.id}' } },
        { ...deployStage('traced', 'web', 'registry.local/traced:1'), requisiteStageRefIds: ['hook'] },
        {
          refId: 'manifest', type: 'deployManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'text', requisiteStageRefIds: ['hook'],
          manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'traced-settings' }, data: { greeting: 'hello' } }],
        },
      ],
    });
    expect(saved.status).toBe(201);
    const launched = await call('POST', `/api/v1/pipelines/${String(saved.body.id)}/executions`, { parameters: {} });
    expect(launched.status).toBe(202);
    const executionId = String(launched.body.id);
    await vi.waitFor(
      async () => expect((await call('GET', `/api/v1/executions/${executionId}`)).body.status).toBe('SUCCEEDED'),
      { timeout: 60_000, interval: 250 },
    );

    // The last spans are exported within the batch delay; the trace is complete once its final message's span is in.
    const ofExecution = (receiver: Receiver) => receiver.spans.filter((span) => span.attributes['gantry.execution.id'] === executionId);
    await vi.waitFor(() => {
      for (const receiver of [otlp, zipkin]) expect(ofExecution(receiver).some((span) => span.name === 'engine CompleteExecution')).toBe(true);
    }, { timeout: 15_000, interval: 100 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const spans = ofExecution(otlp);
    const traceIds = new Set(spans.map((span) => span.traceId));
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds] as [string];
    const trace = otlp.spans.filter((span) => span.traceId === traceId);
    // Every span of the trace belongs to this execution, and says so.
    expect(trace.filter((span) => span.attributes['gantry.execution.id'] !== executionId).map((span) => span.name)).toEqual([]);
    const byId = new Map(trace.map((span) => [span.spanId, span]));

    // One root: the API request that launched the execution.
    const roots = trace.filter((span) => span.parentSpanId === undefined || !byId.has(span.parentSpanId));
    expect(roots.map((span) => `${span.service} ${span.name}`)).toEqual(['gantry-api POST /api/v1/pipelines/:id/executions']);
    const root = roots[0]!;
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      return parent === undefined ? [] : [parent, ...ancestors(parent)];
    };
    for (const span of trace) if (span !== root) expect(ancestors(span).at(-1)).toBe(root);

    // Each stage is one span directly under the root, from its start to its end, recorded by a worker.
    const stages = trace.filter((span) => span.name.startsWith('stage '));
    expect(stages.map((span) => `${span.name} ${span.attributes['gantry.stage.ref_id']}`).sort()).toEqual(['stage deploy deploy', 'stage deployManifest manifest', 'stage webhook hook']);
    for (const stage of stages) {
      expect(stage.parentSpanId).toBe(root.spanId);
      expect(stage.service).toBe('gantry-worker');
      expect(stage.attributes).toMatchObject({ 'gantry.application': 'traced', 'gantry.pipeline.id': String(saved.body.id), 'gantry.stage.status': 'SUCCEEDED' });
    }
    const stageOf = (refId: string) => stages.find((stage) => stage.attributes['gantry.stage.ref_id'] === refId)!;

    // The work ran in the worker processes (whichever took each message). A message about
    // a stage hangs directly off that stage's span, one about the execution off the root.
    const messages = trace.filter((span) => span.name.startsWith('engine '));
    expect(new Set(messages.map((span) => span.service))).toEqual(new Set(['gantry-worker']));
    for (const span of messages) {
      const stageId = span.attributes['gantry.stage.id'];
      expect(span.parentSpanId).toBe(stageId === undefined ? root.spanId : stages.find((stage) => stage.attributes['gantry.stage.id'] === stageId)?.spanId);
    }
    const messageNames = new Set(messages.map((span) => span.name));
    for (const name of ['StartExecution', 'StartStage', 'RunTask', 'CompleteExecution']) expect(messageNames).toContain(`engine ${name}`);
    for (const span of messages.filter((m) => m.name === 'engine StartStage')) {
      expect(['hook', 'deploy', 'manifest']).toContain(span.attributes['gantry.stage.ref_id']);
      expect(span.attributes['gantry.application']).toBe('traced');
      expect(span.attributes['gantry.pipeline.id']).toBe(String(saved.body.id));
    }

    // Tasks, each under a RunTask message under its own stage's span, with the stage and pipeline they belong to.
    const tasks = trace.filter((span) => span.name.startsWith('task '));
    for (const task of tasks) {
      const message = byId.get(task.parentSpanId!);
      expect(message?.name).toBe('engine RunTask');
      expect(message?.parentSpanId).toBe(stageOf(task.attributes['gantry.stage.ref_id']!).spanId);
      expect(task.attributes).toMatchObject({ 'gantry.application': 'traced', 'gantry.pipeline.id': String(saved.body.id) });
    }
    const taskNames = (refId: string) => new Set(tasks.filter((task) => task.attributes['gantry.stage.ref_id'] === refId).map((task) => task.name));
    expect(taskNames('hook')).toContain('task createWebhook');
    for (const name of ['determineServerGroupName', 'createServerGroup', 'waitForUpInstances']) expect(taskNames('deploy')).toContain(`task ${name}`);
    for (const name of ['deployManifest', 'waitForManifestStable']) expect(taskNames('manifest')).toContain(`task ${name}`);

    // Provider calls, each directly under the task that made it, naming provider, operation, account and location:
    // the CloudProvider's (the deploy stage) and the manifest client's (the deployManifest stage).
    const providerCalls = trace.filter((span) => span.attributes['gantry.provider'] !== undefined);
    for (const providerCall of providerCalls) {
      const task = byId.get(providerCall.parentSpanId!);
      expect(task?.name).toMatch(/^task /);
      expect(providerCall.name).toBe(`kubernetes ${providerCall.attributes['gantry.operation']}`);
      expect(providerCall.attributes).toMatchObject({ 'gantry.provider': 'kubernetes', 'gantry.account': 'k8s' });
      expect(providerCall.attributes['gantry.stage.ref_id']).toBe(task!.attributes['gantry.stage.ref_id']);
      expect(providerCall.attributes['gantry.task.name']).toBe(task!.name.slice('task '.length));
    }
    const operations = (refId: string) => providerCalls.filter((span) => span.attributes['gantry.stage.ref_id'] === refId).map((span) => span.attributes['gantry.operation']);
    expect(operations('deploy')).toContain('createServerGroup');
    expect(providerCalls.find((span) => span.attributes['gantry.operation'] === 'createServerGroup')?.attributes['gantry.location']).toBe('ns1');
    expect(operations('manifest')).toContain('apply');
    expect(providerCalls.find((span) => span.attributes['gantry.operation'] === 'apply')?.attributes).toMatchObject({ 'gantry.location': 'ns1', 'k8s.resource.kind': 'ConfigMap' });

    // The webhook's request carried the trace: its parent is the HTTP client span under the webhook task.
    expect(webhook.traceparents).toHaveLength(1);
    const [, sentTraceId, sentParent] = webhook.traceparents[0]!.split('-');
    expect(sentTraceId).toBe(traceId);
    const client = byId.get(sentParent!);
    expect(client?.name).toBe('HTTP POST');
    expect(byId.get(client!.parentSpanId!)?.name).toBe('task createWebhook');

    // Zipkin received the same spans (its v2 JSON, from the same processes).
    const zipkinIds = new Set(zipkin.spans.filter((span) => span.traceId === traceId).map((span) => span.spanId));
    expect(zipkinIds).toEqual(new Set(byId.keys()));
    expect([...otlp.contentTypes]).toEqual(['application/json']);
    expect(ofExecution(zipkin).every((span) => span.parentSpanId === undefined || zipkinIds.has(span.parentSpanId) || span.spanId === root.spanId)).toBe(true);

    // The trace as a trace viewer shows it: the screenshot of the docs (`npm run trace:screenshot`).
    if (browserAvailable('the trace waterfall screenshot')) {
      const browser = await launchBrowser();
      try {
        const page = await newPage(browser);
        await page.setContent(renderWaterfall(`execution ${executionId}: hook-then-deploy (traced)`, trace));
        expect(await page.locator('tr').count()).toBe(trace.length);
        await screenshot(page, 'execution-trace', true);
      } finally {
        await browser.close();
      }
    }
  }, 120_000);
});
