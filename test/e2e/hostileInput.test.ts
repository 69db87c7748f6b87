import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/providers/src/local/ports';
import { processAuth, spawnGantry, waitForOutput, waitForReady, type GantryProcess } from '../support/gantryProcess';
import { EXPENSIVE_CEL } from '../support/expensiveCel';
import { REDIS_URL } from '../support/services';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '../support/testDatabase';

/**
 * Issue 14, "pipeline input cannot hurt the server": a catastrophic-backtracking regex in a webhook
 * trigger's payloadConstraints and an expensive CEL expression in a stage, while the /healthz of
 * the API and of every worker is probed. The API and two workers are the real separate processes
 * (`start:api`, `start:worker`): anything that blocked a process's event loop would show in its
 * probes' answer times, and a worker's probes are on its own port (GANTRY_METRICS_PORT).
 *
 * The bound is on Gantry, not on the machine: a control process (a bare HTTP server doing nothing
 * else) is probed alongside, and a Gantry probe over the bound is excused only when a control
 * probe overlapping it was slow too (the whole machine stalled, e.g. CI's two cores busy). A
 * blocked event loop shows as slow Gantry probes beside fast control probes.
 */

const HEALTHZ_BOUND_MS = 100;
const FINISHED = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED', 'FAILED_CONTINUE']);

interface Execution {
  id: string;
  status: string;
  stages: { refId: string; error?: { message?: string } }[];
}

describe('hostile pipeline input against the API and two worker processes', () => {
  let database: TestDatabase;
  const processes: GantryProcess[] = [];
  let base: string;
  /** Each process's /healthz, by name. */
  const probeTargets: Record<string, string> = {};
  let env: Record<string, string | undefined>;
  let control: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      GANTRY_QUEUE_PREFIX: testQueuePrefix(),
      GANTRY_DATA_DIR: undefined,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const api = spawnGantry({ ...env, PORT: String(port) }, 'api');
    processes.push(api);
    probeTargets.api = `${base}/healthz`;
    await waitForReady(base, api);
    for (const name of ['worker-1', 'worker-2']) {
      const metricsPort = await freePort();
      const worker = spawnGantry({ ...env, LOG_LEVEL: 'info', GANTRY_METRICS_PORT: String(metricsPort) }, 'worker');
      processes.push(worker);
      probeTargets[name] = `http://127.0.0.1:${metricsPort}/healthz`;
      await waitForOutput(worker, 'worker started');
    }
    const controlPort = await freePort();
    control = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${controlPort}, '127.0.0.1', () => console.log('up'))`]);
    await new Promise((resolve) => control!.stdout!.once('data', resolve));
    probeTargets.control = `http://127.0.0.1:${controlPort}/`;
  }, 180_000);
  afterAll(async () => {
    control?.kill('SIGKILL');
    // A process that died during the tests says why.
    for (const gantry of processes) if (gantry.process.exitCode !== null || gantry.process.signalCode !== null) console.error(`exited ${String(gantry.process.exitCode ?? gantry.process.signalCode)}:\n${gantry.output().slice(-4000)}`);
    await Promise.all(processes.map((process) => process.kill('SIGTERM')));
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

  async function waitFor(id: string): Promise<Execution> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { body } = await call('GET', `/api/v1/executions/${id}`);
      const execution = body as unknown as Execution;
      if (FINISHED.has(execution.status)) return execution;
      if (Date.now() > deadline) throw new Error(`execution ${id} did not finish: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** One probe: when it was sent and how long the answer took (ms, on performance.now()'s clock). */
  interface Probe {
    at: number;
    ms: number;
  }

  /** Probes every process's /healthz every 20 ms until stopped; answers each one's probes. */
  function probeAll(): { stop(): Promise<Record<string, Probe[]>> } {
    let running = true;
    const loops = Object.entries(probeTargets).map(async ([name, url]) => {
      const times: Probe[] = [];
      while (running) {
        const started = performance.now();
        const response = await fetch(url);
        await response.text();
        expect(response.status, `${name} /healthz`).toBe(200);
        times.push({ at: started, ms: performance.now() - started });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return [name, times] as const;
    });
    return {
      async stop() {
        running = false;
        return Object.fromEntries(await Promise.all(loops));
      },
    };
  }

  const describeTimes = (times: Record<string, Probe[]>) =>
    Object.entries(times)
      .map(([name, t]) => {
        const sorted = t.map((probe) => probe.ms).sort((a, b) => a - b);
        return `${name}: ${sorted.length} probes, p95 ${(sorted[Math.floor(sorted.length * 0.95)] ?? 0).toFixed(1)} ms, slowest ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
      })
      .join('; ');

  it('a ReDoS payload constraint and an expensive CEL expression: every probe of every process answers within 100 ms, the stage fails naming the limit', async () => {
    const source = `redos-${Date.now()}`;
    const redos = await call('POST', '/api/v1/pipelines', {
      application: 'hostile',
      name: 'redos',
      triggers: [{ type: 'webhook', source, payloadConstraints: { name: { regex: '^(a+)+$' } } }],
      stages: [{ refId: 'note', type: 'evaluateVariables', variables: [{ key: 'ok', value: true }] }],
    });
    expect(redos.status).toBe(201);
    const cel = await call('POST', '/api/v1/pipelines', {
      application: 'hostile',
      name: 'expensive-cel',
      limitConcurrent: false,
      stages: [{ refId: 'burn', type: 'evaluateVariables', variables: [{ key: 'n', value: `\${${EXPENSIVE_CEL}}` }] }],
    });
    expect(cel.status).toBe(201);

    // Warm up: each worker's sandbox thread starts on its first expression, not during the probe.
    const warm = await Promise.all([0, 1].map(() => call('POST', `/api/v1/pipelines/${String(cel.body.id)}/executions`, { parameters: {} })));
    await Promise.all(warm.map((w) => waitFor(String(w.body.id))));

    // What this machine gives an idle Gantry, for the report.
    const idleProbe = probeAll();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idle = await idleProbe.stop();

    const probe = probeAll();
    // The sender proves itself with an API token allowed to trigger (the source has no secret).
    const delivery = await call('POST', `/api/v1/webhooks/${source}?explain=true`, { name: `${'a'.repeat(40)}!` });
    const started = await Promise.all([0, 1, 2, 3].map(() => call('POST', `/api/v1/pipelines/${String(cel.body.id)}/executions`, { parameters: {} })));
    const executions = await Promise.all(started.map((s) => waitFor(String(s.body.id))));
    const hostile = await probe.stop();

    expect(delivery.status, JSON.stringify(delivery.body)).toBe(200);
    expect(JSON.stringify(delivery.body)).toContain('which does not match /^(a+)+$/');
    for (const execution of executions) {
      expect(execution.status).toBe('TERMINAL');
      const error = execution.stages.find((stage) => stage.refId === 'burn')?.error;
      expect(error?.message).toBe(`expression "\${${EXPENSIVE_CEL}}" exceeded the time limit of 1000 ms (GANTRY_EXPRESSION_TIMEOUT_MS)`);
    }
    // The failure is recorded once per execution, not retried by redelivery to every worker in turn.
    const { rows: starts } = await database.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM audit_events WHERE execution_id = ANY($1::uuid[]) AND type = 'STAGE_STARTED'",
      [executions.map((execution) => execution.id)],
    );
    expect(Number(starts[0]!.n)).toBe(executions.length);
    console.info(`/healthz idle: ${describeTimes(idle)}\n/healthz during hostile input: ${describeTimes(hostile)}`);
    const { control: controlProbes = [], ...gantry } = hostile;
    const overlaps = (a: Probe, b: Probe) => a.at < b.at + b.ms && b.at < a.at + a.ms;
    const machineStalled = (probe: Probe) => controlProbes.some((c) => overlaps(c, probe) && c.ms >= HEALTHZ_BOUND_MS / 2);
    for (const [name, times] of Object.entries(gantry)) {
      expect(times.length, `${name} answered too few probes`).toBeGreaterThan(10);
      const slow = times.filter((probe) => probe.ms >= HEALTHZ_BOUND_MS && !machineStalled(probe)).map((probe) => probe.ms);
      expect(slow, `${name}: probes at or over ${HEALTHZ_BOUND_MS} ms while the control process answered at once`).toEqual([]);
    }
  }, 300_000);

  it("a worker's /readyz answers, its /metrics needs a token like the API's", async () => {
    const workerBase = probeTargets['worker-1']!.replace(/\/healthz$/, '');
    const ready = await fetch(`${workerBase}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: [{ name: 'postgresql', ok: true }, { name: 'redis', ok: true }] });
    const anonymous = await fetch(`${workerBase}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await fetch(`${workerBase}/metrics`, { headers: { authorization: 'Bearer gantry_wrong' } })).status).toBe(401);
    const scraped = await fetch(`${workerBase}/metrics`, { headers: processAuth });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^gantry_process_cpu_seconds_total/m);
  });

  it('a worker whose GANTRY_METRICS_PORT is taken stops at start-up with one line naming the setting', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      const worker = spawnGantry({ ...env, GANTRY_METRICS_PORT: String(port) }, 'worker');
      processes.push(worker);
      expect(await worker.exited).toBe(1);
      expect(worker.output().trim().split('\n').at(-1)).toBe(`gantry-worker: GANTRY_METRICS_PORT=${port} is already in use on 127.0.0.1`);
    } finally {
      taken.close();
    }
  }, 60_000);
});
