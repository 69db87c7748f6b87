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

/** The request that launches an execution: its trace's root. */
const LAUNCH = 'POST /api/v1/pipelines/:id/executions';

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

  /** Saves a pipeline of application `traced` and launches it. */
  async function launch(name: string, stages: unknown[], parameters: { name: string; default: string }[] = []): Promise<{ pipelineId: string; executionId: string }> {
    const saved = await call('POST', '/api/v1/pipelines', { application: 'traced', name, stages, parameters });
    expect(saved.status).toBe(201);
    const pipelineId = String(saved.body.id);
    const launched = await call('POST', `/api/v1/pipelines/${pipelineId}/executions`, { parameters: {} });
    expect(launched.status).toBe(202);
    return { pipelineId, executionId: String(launched.body.id) };
  }

  async function untilStatus(executionId: string, status: string, stageRefId?: string): Promise<void> {
    await vi.waitFor(async () => {
      const { body } = await call('GET', `/api/v1/executions/${executionId}`);
      const stage = (body.stages as { refId: string; status: string }[]).find((candidate) => candidate.refId === stageRefId);
      expect(stageRefId === undefined ? body.status : stage?.status).toBe(status);
    }, { timeout: 60_000, interval: 250 });
  }

  /**
   * The trace's stage spans by ref id, after checking what every stage span holds however its
   * stage ended: one span per stage, directly under the root, recorded by a worker, with the
   * execution's application and pipeline, the stage's status, and an ERROR status unless it
   * succeeded or was skipped.
   */
  function stageSpans(trace: ReceivedSpan[], root: ReceivedSpan, pipelineId: string): Map<string, ReceivedSpan> {
    const stages = trace.filter((span) => span.name.startsWith('stage '));
    const byRef = new Map(stages.map((span) => [span.attributes['gantry.stage.ref_id']!, span]));
    expect(byRef.size).toBe(stages.length);
    for (const stage of stages) {
      expect(stage.parentSpanId).toBe(root.spanId);
      expect(stage.service).toBe('gantry-worker');
      expect(stage.name).toBe(`stage ${stage.attributes['gantry.stage.type']}`);
      expect(stage.attributes).toMatchObject({ 'gantry.application': 'traced', 'gantry.pipeline.id': pipelineId });
      const status = stage.attributes['gantry.stage.status']!;
      expect(stage.error).toBe(status === 'SUCCEEDED' || status === 'SKIPPED' ? undefined : status);
      expect(stage.end).toBeGreaterThanOrEqual(stage.start);
    }
    return byRef;
  }

  /**
   * The execution's trace as the OTLP receiver got it, once spans named `lastSpans` are in, after
   * checking what holds for every execution: one trace, every span of it naming the execution, one
   * root (the request that launched it) with every other span under it, and the same spans at the
   * Zipkin receiver (its v2 JSON, from the same processes).
   */
  async function exportedTrace(executionId: string, lastSpans: string[]) {
    // The last spans are exported within the batch delay.
    const ofExecution = (receiver: Receiver) => receiver.spans.filter((span) => span.attributes['gantry.execution.id'] === executionId);
    await vi.waitFor(() => {
      for (const receiver of [otlp, zipkin]) for (const name of lastSpans) expect(ofExecution(receiver).some((span) => span.name === name)).toBe(true);
    }, { timeout: 15_000, interval: 100 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // An operator's command (a cancel) is a request of its own, in a trace of its own that names
    // the execution; the messages it sends continue the execution's trace.
    const spans = ofExecution(otlp).filter((span) => span.service !== 'gantry-api' || span.name === LAUNCH);
    const traceIds = new Set(spans.map((span) => span.traceId));
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds] as [string];
    const trace = otlp.spans.filter((span) => span.traceId === traceId);
    // Every span of the trace belongs to this execution, and says so.
    expect(trace.filter((span) => span.attributes['gantry.execution.id'] !== executionId).map((span) => span.name)).toEqual([]);
    const byId = new Map(trace.map((span) => [span.spanId, span]));

    // One root: the API request that launched the execution.
    const roots = trace.filter((span) => span.parentSpanId === undefined || !byId.has(span.parentSpanId));
    expect(roots.map((span) => `${span.service} ${span.name}`)).toEqual([`gantry-api ${LAUNCH}`]);
    const root = roots[0]!;
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      return parent === undefined ? [] : [parent, ...ancestors(parent)];
    };
    for (const span of trace) if (span !== root) expect(ancestors(span).at(-1)).toBe(root);

    // A span ended after the snapshot above (a poll still in flight) may reach one receiver first.
    await vi.waitFor(() => {
      const zipkinIds = new Set(zipkin.spans.filter((span) => span.traceId === traceId).map((span) => span.spanId));
      expect([...byId.keys()].filter((id) => !zipkinIds.has(id))).toEqual([]);
    }, { timeout: 5_000, interval: 100 });
    expect([...otlp.contentTypes]).toEqual(['application/json']);
    return { traceId, trace, root, byId };
  }

  it('exports one tree: the launch request at the root, stages under it, tasks under their stages, provider calls under their tasks, traceparent on the webhook', async () => {
    const { pipelineId, executionId } = await launch('hook-then-deploy', [
        { refId: 'hook', type: 'webhook', url: `${webhook.url}/released`, method: 'POST', payload: { id: '${execution.id}' } },
        { ...deployStage('traced', 'web', 'registry.local/traced:1'), requisiteStageRefIds: ['hook'] },
        {
          refId: 'manifest', type: 'deployManifest', account: 'k8s', cloudProvider: 'kubernetes', source: 'text', requisiteStageRefIds: ['hook'],
          manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'traced-settings' }, data: { greeting: 'hello' } }],
        },
    ]);
    await untilStatus(executionId, 'SUCCEEDED');

    const { traceId, trace, root, byId } = await exportedTrace(executionId, ['stage deploy', 'stage deployManifest']);

    // Each stage is one span directly under the root, from its start to its end, recorded by a worker.
    const stageSpan = stageSpans(trace, root, pipelineId);
    expect([...stageSpan].map(([refId, span]) => `${span.name} ${refId} ${span.attributes['gantry.stage.status']}`).sort()).toEqual([
      'stage deploy deploy SUCCEEDED',
      'stage deployManifest manifest SUCCEEDED',
      'stage webhook hook SUCCEEDED',
    ]);
    const stages = [...stageSpan.values()];
    const stageOf = (refId: string) => stageSpan.get(refId)!;

    // The work ran in the worker processes (whichever took each message). A message about
    // a stage hangs directly off that stage's span, one about the execution off the root. A
    // RunTask message's span is the span of the task step it ran (`task <name>`, below).
    const messages = trace.filter((span) => span.attributes['gantry.message.type'] !== undefined);
    expect(new Set(messages.map((span) => span.service))).toEqual(new Set(['gantry-worker']));
    for (const span of messages) {
      const stageId = span.attributes['gantry.stage.id'];
      expect(span.parentSpanId).toBe(stageId === undefined ? root.spanId : stages.find((stage) => stage.attributes['gantry.stage.id'] === stageId)?.spanId);
    }
    const messageTypes = new Set(messages.map((span) => span.attributes['gantry.message.type']));
    // Starting the execution starts its first stage, and ending the last stage ends the execution, in
    // the same message: neither sends a StartStage or a CompleteExecution.
    for (const type of ['StartExecution', 'RunTask']) expect(messageTypes).toContain(type);
    for (const type of ['StartStage', 'CompleteExecution']) expect(messageTypes).not.toContain(type);
    for (const span of messages) {
      const type = span.attributes['gantry.message.type'];
      // A RunTask that found no step to take (a duplicate, a stage no longer running) keeps the message's name.
      if (type === 'RunTask') expect(span.name).toMatch(/^(engine RunTask|task \w+)$/);
      else expect(span.name).toBe(`engine ${type}`);
    }
    for (const span of messages.filter((m) => m.attributes['gantry.stage.id'] !== undefined)) {
      expect(['hook', 'deploy', 'manifest']).toContain(span.attributes['gantry.stage.ref_id']);
      expect(span.attributes['gantry.application']).toBe('traced');
      expect(span.attributes['gantry.pipeline.id']).toBe(pipelineId);
    }

    // Task steps, each the span of the RunTask message that ran it, under its own stage's span,
    // with the stage and pipeline they belong to.
    const tasks = trace.filter((span) => span.name.startsWith('task '));
    for (const task of tasks) {
      expect(task.attributes['gantry.message.type']).toBe('RunTask');
      expect(task.parentSpanId).toBe(stageOf(task.attributes['gantry.stage.ref_id']!).spanId);
      expect(task.attributes).toMatchObject({ 'gantry.application': 'traced', 'gantry.pipeline.id': pipelineId });
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
  it('records the span of every stage however it ends: skipped, canceled with its execution, canceled by a failing branch', async () => {
    // An operator's cancel: the worker stops the running stage (CancelExecution), not CompleteStage.
    const canceled = await launch('skip-then-hold', [
      { refId: 'maybe', type: 'evaluateVariables', stageEnabled: { type: 'expression', expression: 'parameters.env == "prod"' }, variables: [] },
      { refId: 'hold', type: 'wait', waitTime: 600, requisiteStageRefIds: ['maybe'] },
    ], [{ name: 'env', default: 'staging' }]);
    await untilStatus(canceled.executionId, 'RUNNING', 'hold');
    expect((await call('POST', `/api/v1/executions/${canceled.executionId}/cancel`, { reason: 'tracing test' })).status).toBe(202);
    await untilStatus(canceled.executionId, 'CANCELED', 'hold');
    {
      const { traceId, trace, root } = await exportedTrace(canceled.executionId, ['engine CancelExecution']);
      const request = otlp.spans.find((span) => span.name === 'POST /api/v1/executions/:id/cancel' && span.attributes['gantry.execution.id'] === canceled.executionId);
      expect(request?.service).toBe('gantry-api');
      expect(request!.traceId).not.toBe(traceId);
      const stages = stageSpans(trace, root, canceled.pipelineId);
      expect([...stages].map(([refId, span]) => `${refId} ${span.attributes['gantry.stage.status']}`).sort()).toEqual(['hold CANCELED', 'maybe SKIPPED']);
      // The cancel continues the execution's trace (the command carries it), under the root.
      const cancel = trace.find((span) => span.name === 'engine CancelExecution')!;
      expect(cancel.parentSpanId).toBe(root.spanId);
      expect(stages.get('hold')!.end).toBeLessThanOrEqual(cancel.end);
    }

    // A branch that fails the pipeline cancels its sibling in its own CompleteStage.
    const failed = await launch('fail-beside-hold', [
      {
        refId: 'check',
        type: 'checkPreconditions',
        preconditions: [{ type: 'expression', context: { expression: '${1 == 2}', failureMessage: 'one is not two' } }],
      },
      { refId: 'hold', type: 'wait', waitTime: 600 },
    ]);
    await untilStatus(failed.executionId, 'TERMINAL');
    {
      const { trace, root } = await exportedTrace(failed.executionId, ['engine CompleteExecution']);
      const stages = stageSpans(trace, root, failed.pipelineId);
      expect([...stages].map(([refId, span]) => `${refId} ${span.attributes['gantry.stage.status']}`).sort()).toEqual(['check TERMINAL', 'hold CANCELED']);
      expect(stages.get('hold')!.attributes).toMatchObject({ 'gantry.execution.id': failed.executionId, 'gantry.stage.type': 'wait' });
    }
  }, 120_000);
});
