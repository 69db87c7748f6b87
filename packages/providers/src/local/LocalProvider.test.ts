import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerGroup, ServerGroupRef, ServerGroupSpec } from '../CloudProvider';
import type { ProviderError} from '../errors';
import { isProviderError } from '../errors';
import { eventually as pollUntil } from '../../../../test/support/eventually';
import { isAlive } from './processes';
import { EXAMPLE_APP_DIR, localTestBed, type LocalTestBed } from '../../../../test/support/localTestBed';

/**
 * The provider against its real agent process and real instances of examples/app: traffic goes
 * through the cluster proxy over HTTP, and processes are looked at with the OS, not only through
 * what the provider says.
 */

let bed: LocalTestBed;
let serial = 0;

beforeAll(() => {
  // The crash tests below run commands of their own; every other spec runs examples/app's gantry-app.json.
  bed = localTestBed({ allowPipelineCommands: true });
});

afterAll(async () => {
  const pids = bed.pids();
  await bed.close();
  expect(pids.filter(isAlive)).toEqual([]);
});

function newCluster(): string {
  serial += 1;
  return `app${serial}-web`;
}

function refOf(spec: ServerGroupSpec): ServerGroupRef {
  return { account: spec.account, name: spec.name };
}

/** Polls `read` until `accept` takes its value. */
function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  return pollUntil(async () => {
    const value = await read();
    return accept(value) ? value : undefined;
  }, timeoutMs);
}

async function createUp(spec: ServerGroupSpec, on: LocalTestBed = bed): Promise<ServerGroup> {
  await on.provider.createServerGroup(spec);
  await eventually(() => on.provider.health(refOf(spec)), (health) => health.up === spec.capacity.desired);
  return (await on.provider.getServerGroup(refOf(spec)))!;
}

/** One request through the proxy: its status and the server group that answered (null for the proxy's own answers). */
async function hit(proxyUrl: string, path = '/'): Promise<{ status: number; serverGroup: string | null }> {
  const response = await fetch(`${proxyUrl}${path}`);
  const body = (await response.json()) as { serverGroup?: string };
  return { status: response.status, serverGroup: body.serverGroup ?? null };
}

async function countByGroup(proxyUrl: string, requests: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const { status, serverGroup } = await hit(proxyUrl);
    const key = status === 200 ? (serverGroup ?? '?') : `status ${status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Whether the server could listen on the port (false while something still holds it). */
function listens(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const failed = () => resolve(false);
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve(true);
    });
  });
}

function proxyUrlOf(group: ServerGroup | null): string {
  return String(group?.details?.proxyUrl);
}

function instancePids(group: ServerGroup | null): number[] {
  return ((group?.details?.instances ?? []) as { pid: number | null }[]).map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
}

describe('LocalProvider', () => {
  it('create → healthy → proxy → enable/disable/weights (exact) → resize → destroy', { timeout: 90_000 }, async () => {
    const cluster = newCluster();
    const v0 = bed.spec(cluster, 0);
    const v1 = bed.spec(cluster, 1);
    const created = await bed.provider.createServerGroup(v0);
    expect(created).toMatchObject({ name: v0.name, cluster, sequence: 0, enabled: false, image: v0.image, capacity: v0.capacity });
    expect(await bed.provider.createServerGroup(v0)).toMatchObject({ name: v0.name });
    const first = await createUp(v0);
    const proxyUrl = proxyUrlOf(first);
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.details).toMatchObject({ metricsUrl: expect.stringMatching(/\/metrics$/), samplesUrl: expect.stringMatching(/\/samples$/), trafficWeight: 0 });

    // Disabled: the proxy answers by itself.
    expect(await hit(proxyUrl)).toEqual({ status: 503, serverGroup: null });
    await bed.provider.enable(refOf(v0));
    expect(await countByGroup(proxyUrl, 10)).toEqual({ [v0.name]: 10 });

    await createUp(v1);
    expect(await countByGroup(proxyUrl, 10)).toEqual({ [v0.name]: 10 });
    await bed.provider.setTrafficWeights({ account: v0.account, application: v0.application, cluster }, { [v0.name]: 30, [v1.name]: 70 });
    expect(await countByGroup(proxyUrl, 200)).toEqual({ [v0.name]: 60, [v1.name]: 140 });
    expect((await bed.provider.getServerGroup(refOf(v1)))?.details?.trafficWeight).toBe(70);

    // Enable/disable end a weighted split: enabled groups share by up instances.
    await bed.provider.disable(refOf(v0));
    expect(await countByGroup(proxyUrl, 20)).toEqual({ [v1.name]: 20 });
    await bed.provider.enable(refOf(v0));
    expect(await countByGroup(proxyUrl, 20)).toEqual({ [v0.name]: 10, [v1.name]: 10 });
    const listed = await bed.provider.listServerGroups({ account: v0.account, application: v0.application, cluster });
    expect(listed.map((group) => [group.name, group.enabled])).toEqual([
      [v0.name, true],
      [v1.name, true],
    ]);

    await bed.provider.resize(refOf(v1), { min: 1, max: 4, desired: 3 });
    await eventually(() => bed.provider.health(refOf(v1)), (health) => health.desired === 3 && health.up === 3);
    // v1 now has 3 of the 4 up instances.
    expect(await countByGroup(proxyUrl, 40)).toEqual({ [v0.name]: 10, [v1.name]: 30 });
    const threePids = instancePids(await bed.provider.getServerGroup(refOf(v1)));
    expect(threePids).toHaveLength(3);
    await bed.provider.resize(refOf(v1), { min: 1, max: 4, desired: 1 });
    await eventually(async () => threePids.filter(isAlive).length, (alive) => alive === 1);

    const v0Pids = instancePids(await bed.provider.getServerGroup(refOf(v0)));
    await bed.provider.destroy(refOf(v0));
    expect(await bed.provider.getServerGroup(refOf(v0))).toBeNull();
    expect(v0Pids.filter(isAlive)).toEqual([]);
    await bed.provider.destroy(refOf(v0));
    expect(await countByGroup(proxyUrl, 5)).toEqual({ [v1.name]: 5 });
    await bed.provider.destroy(refOf(v1));
    expect(await bed.provider.listServerGroups({ account: v0.account, application: v0.application, cluster })).toEqual([]);
  });

  it('bakes a folder once: the same content is the same image, reused', async () => {
    const request = { account: 'local-test', package: 'app', version: '1.0.0', settings: { appDir: bed.spec('x-y', 0).image } };
    const first = await bed.provider.bake(request);
    const again = await bed.provider.bake({ ...request, version: '1.0.1' });
    expect(first).toMatchObject({ id: expect.stringMatching(/^[a-f0-9]{16}$/), reused: expect.any(Boolean), state: 'available' });
    expect(again).toMatchObject({ id: first.id, reused: true });
    const cluster = newCluster();
    const group = await createUp(bed.spec(cluster, 0, { image: first.id }));
    expect(group.details?.imageDir).toBe(`${bed.dataDir}/images/${first.id}`);
    await bed.provider.destroy(refOf(bed.spec(cluster, 0)));
    const missing = await bed.provider.bake({ ...request, settings: { appDir: '/nonexistent/app' } }).catch((error: unknown) => error);
    expect(isProviderError(missing, 'Fatal') && missing.message).toMatch(/^local\/bake\/app:1\.0\.0: settings\.appDir: \/nonexistent\/app is not a folder/);
  });

  it('restarts a crashed instance, counting it down meanwhile', { timeout: 60_000 }, async () => {
    const spec = bed.spec(newCluster(), 0, { capacity: { min: 2, max: 2, desired: 2 } });
    const group = await createUp(spec);
    const [victim] = instancePids(group);
    process.kill(victim!, 'SIGKILL');
    const seen = await eventually(() => bed.provider.health(refOf(spec)), (health) => health.up < 2);
    expect(seen.up + seen.down + seen.unknown).toBe(2);
    expect(seen.down + seen.unknown).toBe(1);
    const back = await eventually(() => bed.provider.getServerGroup(refOf(spec)), (current) => current?.health.up === 2);
    expect(instancePids(back)).not.toContain(victim);
    expect(back?.details?.lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    await bed.provider.destroy(refOf(spec));
  });

  it('reports an app that exits at once with its exit code and last stderr lines', { timeout: 60_000 }, async () => {
    const spec = bed.spec(newCluster(), 0, {
      settings: { command: process.execPath, args: ['-e', 'console.error("loading config"); console.error("fatal: config.yaml not found"); process.exit(3)'] },
    });
    await bed.provider.createServerGroup(spec);
    const failed = await eventually(() => bed.provider.getServerGroup(refOf(spec)), (group) => group?.failure !== undefined);
    expect(failed?.failure).toMatch(/failed 3 times in a row before getting healthy; last: exit code 3; stderr: loading config \| fatal: config\.yaml not found$/);
    expect(failed?.health).toMatchObject({ up: 0, down: 1 });
    expect(failed?.details?.lastExit).toMatchObject({ code: 3, stderrTail: ['loading config', 'fatal: config.yaml not found'] });
    await bed.provider.destroy(refOf(spec));
  });

  it('reports a command that does not exist', { timeout: 60_000 }, async () => {
    const spec = bed.spec(newCluster(), 0, { settings: { command: 'no-such-command-gantry' } });
    await bed.provider.createServerGroup(spec);
    const failed = await eventually(() => bed.provider.getServerGroup(refOf(spec)), (group) => group?.failure !== undefined);
    expect(failed?.failure).toMatch(/last: cannot start no-such-command-gantry: spawn no-such-command-gantry ENOENT; stderr: \(empty\)$/);
    await bed.provider.destroy(refOf(spec));
  });

  it('refuses a fixed proxy port another process holds, and bad settings, naming them', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const spec = bed.spec(newCluster(), 0);
      const error = await bed.provider.createServerGroup({ ...spec, settings: { ...spec.settings, proxyPort: port } }).catch((caught: unknown) => caught);
      expect(isProviderError(error, 'Conflict'), String(error)).toBe(true);
      expect((error as ProviderError).message).toContain(`proxy port ${port} of cluster ${spec.cluster} is in use by another process; choose another settings.proxyPort`);
      expect(await bed.provider.getServerGroup(refOf(spec))).toBeNull();
    } finally {
      blocker.close();
    }
    const spec = bed.spec(newCluster(), 0);
    const bad = await bed.provider.createServerGroup({ ...spec, settings: { ...spec.settings, comand: 'x', startTimeoutSec: -1 } }).catch((caught: unknown) => caught);
    expect(isProviderError(bad, 'Fatal')).toBe(true);
    expect((bad as Error).message).toMatch(/invalid settings: .*settings\.startTimeoutSec: .*settings: Unrecognized key: "comand"/);
    const noImage = await bed.provider.createServerGroup({ ...spec, image: 'no-such-folder' }).catch((caught: unknown) => caught);
    expect((noImage as Error).message).toMatch(/image no-such-folder is neither a baked image .* nor a folder/);
  });

  it('re-adopts its groups when the agent is SIGKILLed: same instances, weights and proxy port', { timeout: 90_000 }, async () => {
    const cluster = newCluster();
    const v0 = bed.spec(cluster, 0);
    const v1 = bed.spec(cluster, 1);
    await createUp(v0);
    await createUp(v1);
    await bed.provider.setTrafficWeights({ account: v0.account, application: v0.application, cluster }, { [v0.name]: 25, [v1.name]: 75 });
    const before = (await bed.provider.getServerGroup(refOf(v0)))!;
    const pidsBefore = [...instancePids(before), ...instancePids(await bed.provider.getServerGroup(refOf(v1)))];
    const agentUrl = await bed.provider.agentUrl();
    const agentPid = ((await (await fetch(`${agentUrl}/v1/health`)).json()) as { pid: number }).pid;

    process.kill(agentPid, 'SIGKILL');
    await eventually(async () => isAlive(agentPid), (alive) => !alive);
    const after = (await bed.provider.getServerGroup(refOf(v0)))!;
    const newAgentPid = ((await (await fetch(`${await bed.provider.agentUrl()}/v1/health`)).json()) as { pid: number }).pid;
    expect(newAgentPid).not.toBe(agentPid);
    expect(after.details?.proxyUrl).toBe(before.details?.proxyUrl);
    expect(after.details?.samplesUrl).toBe(before.details?.samplesUrl);
    expect([...instancePids(after), ...instancePids(await bed.provider.getServerGroup(refOf(v1)))]).toEqual(pidsBefore);
    await eventually(() => bed.provider.health(refOf(v1)), (health) => health.up === 1);
    expect(await countByGroup(proxyUrlOf(after), 100)).toEqual({ [v0.name]: 25, [v1.name]: 75 });
    await bed.provider.destroy(refOf(v0));
    await bed.provider.destroy(refOf(v1));
    expect(pidsBefore.filter(isAlive)).toEqual([]);
  });

  it('says so when a restarted agent finds its proxy port taken, and binds it again on the next create', { timeout: 90_000 }, async () => {
    const cluster = newCluster();
    const v0 = bed.spec(cluster, 0, { enabled: true });
    const proxyUrl = proxyUrlOf(await createUp(v0));
    const port = Number(new URL(proxyUrl).port);
    const agentPid = ((await (await fetch(`${await bed.provider.agentUrl()}/v1/health`)).json()) as { pid: number }).pid;
    process.kill(agentPid, 'SIGKILL');
    await eventually(async () => isAlive(agentPid), (alive) => !alive);
    const squatter: Server = createServer();
    // A SIGKILLed process shows as a zombie before its last thread has closed its sockets.
    await eventually(() => listens(squatter, port), (bound) => bound);
    try {
      const found = await bed.provider.getServerGroup(refOf(v0));
      expect(found?.details?.proxyError).toMatch(new RegExp(`^proxy port ${port} could not be bound again: .*EADDRINUSE`));
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    await createUp(bed.spec(cluster, 1));
    expect((await bed.provider.getServerGroup(refOf(v0)))?.details?.proxyError).toBeUndefined();
    expect(await hit(proxyUrl)).toEqual({ status: 200, serverGroup: v0.name });
    await bed.provider.destroy(refOf(v0));
    await bed.provider.destroy(refOf(bed.spec(cluster, 1)));
  });

  it('drops no request while traffic switches back and forth under steady load', { timeout: 60_000 }, async () => {
    const cluster = newCluster();
    const v0 = bed.spec(cluster, 0, { capacity: { min: 2, max: 2, desired: 2 } }, { LATENCY_MS: '20' });
    const v1 = bed.spec(cluster, 1, { capacity: { min: 2, max: 2, desired: 2 } }, { LATENCY_MS: '20' });
    const proxyUrl = proxyUrlOf(await createUp({ ...v0, enabled: true }));
    await createUp(v1);
    const ref = { account: v0.account, application: v0.application, cluster };
    const results: number[] = [];
    const pending: Promise<void>[] = [];
    // 200 requests per second for 2 s, each on its own, while the weights move every 150 ms.
    const load = setInterval(() => {
      pending.push(
        fetch(`${proxyUrl}/`).then(
          async (response) => {
            await response.arrayBuffer();
            results.push(response.status);
          },
          () => {
            results.push(0);
          },
        ),
      );
    }, 5);
    const splits = [
      { [v0.name]: 100, [v1.name]: 0 },
      { [v0.name]: 50, [v1.name]: 50 },
      { [v0.name]: 0, [v1.name]: 100 },
      { [v0.name]: 90, [v1.name]: 10 },
    ];
    const until = Date.now() + 2_000;
    for (let i = 0; Date.now() < until; i++) {
      await bed.provider.setTrafficWeights(ref, splits[i % splits.length]!);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    // Red/black's end: the new group in, the old one out.
    await bed.provider.enable(refOf(v1));
    await bed.provider.disable(refOf(v0));
    clearInterval(load);
    await Promise.all(pending);
    expect(results.length).toBeGreaterThan(100);
    expect(results.filter((status) => status !== 200)).toEqual([]);
    await bed.provider.destroy(refOf(v0));
    await bed.provider.destroy(refOf(v1));
  });

  it('exports request counts, errors and latency per group in Prometheus text, and samples for the canary judge', { timeout: 60_000 }, async () => {
    const cluster = newCluster();
    const spec = bed.spec(cluster, 0, { enabled: true }, { ERROR_RATE: '0.25' });
    const group = await createUp(spec);
    const start = Date.now();
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await hit(proxyUrlOf(group))).status);
    expect(statuses.filter((status) => status === 500)).toHaveLength(10);

    // The proxy records a request when the upstream's answer ends, which can be just after the
    // client has read it: wait until all 40 are recorded before closing the sampled window.
    const counted = `gantry_proxy_request_duration_seconds_count{cluster="${cluster}",server_group="${spec.name}"} 40`;
    let metrics = '';
    for (let tries = 0; tries < 100; tries++) {
      metrics = await (await fetch(String(group.details?.metricsUrl))).text();
      if (metrics.includes(counted)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const end = Date.now() + 1;
    expect(metrics).toContain(`gantry_proxy_requests_total{cluster="${cluster}",server_group="${spec.name}",code="200"} 30`);
    expect(metrics).toContain(`gantry_proxy_requests_total{cluster="${cluster}",server_group="${spec.name}",code="500"} 10`);
    expect(metrics).toContain(`gantry_proxy_request_errors_total{cluster="${cluster}",server_group="${spec.name}",code="500"} 10`);
    expect(metrics).toContain(`gantry_proxy_request_duration_seconds_count{cluster="${cluster}",server_group="${spec.name}"} 40`);

    const samples = async (metric: string, stepMs: number) => {
      const url = `${String(group.details?.samplesUrl)}?serverGroup=${spec.name}&metric=${metric}&start=${start}&end=${end}&stepMs=${stepMs}`;
      const response = await fetch(url);
      return { status: response.status, body: (await response.json()) as { serverGroup: string; metric: string; stepMs: number; values: (number | null)[] } };
    };
    const whole = end - start;
    expect((await samples('errorRate', whole)).body).toEqual({ serverGroup: spec.name, metric: 'errorRate', stepMs: whole, values: [0.25] });
    expect((await samples('requestRate', whole)).body.values[0]).toBeCloseTo(40 / (whole / 1000), 6);
    const p99 = (await samples('latencyP99', whole)).body.values[0]!;
    const p50 = (await samples('latencyP50', whole)).body.values[0]!;
    expect(p50).toBeGreaterThan(0);
    expect(p99).toBeGreaterThanOrEqual(p50);
    const fine = await samples('latencyMean', 1);
    expect(fine.body.values).toHaveLength(whole);
    expect(fine.body.values.filter((value) => value !== null).length).toBeGreaterThan(0);
    expect(fine.body.values).toContain(null);
    expect((await samples('p42', whole)).status).toBe(400);
    await bed.provider.destroy(refOf(spec));
  });
});

describe('LocalProvider across a Gantry crash', () => {
  it('keeps the proxy serving while the process that deployed is SIGKILLed, and a new process takes over', { timeout: 90_000 }, async () => {
    const other = localTestBed();
    try {
      const spec = other.spec('crash-web', 0, { enabled: true });
      // "Gantry": another process deploys through its own provider, then dies without any cleanup.
      const script = [
        `import { LocalProvider } from ${JSON.stringify(fileURLToPath(new URL('./LocalProvider.ts', import.meta.url)))};`,
        `const provider = new LocalProvider({ name: ${JSON.stringify(spec.account)}, provider: 'local', dataDir: ${JSON.stringify(other.dataDir)} });`,
        `const group = await provider.createServerGroup(${JSON.stringify({ ...spec, image: EXAMPLE_APP_DIR })});`,
        `while ((await provider.health({ account: group.account, name: group.name })).up < 1) await new Promise((r) => setTimeout(r, 100));`,
        `console.log(group.details.proxyUrl);`,
        `setInterval(() => {}, 1000);`,
      ].join('\n');
      const gantry = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const proxyUrl = await new Promise<string>((resolve, reject) => {
        createInterface({ input: gantry.stdout }).once('line', resolve);
        gantry.once('exit', (code) => reject(new Error(`the deploying process exited with ${code}`)));
      });
      gantry.kill('SIGKILL');
      await new Promise((resolve) => gantry.once('exit', resolve));

      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await hit(proxyUrl)).status);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);

      // The next Gantry process finds the group as it was, and goes on from there.
      const found = await other.provider.getServerGroup(refOf(spec));
      expect(found).toMatchObject({ name: spec.name, enabled: true, health: { up: 1 } });
      expect(proxyUrlOf(found)).toBe(proxyUrl);
      await other.provider.destroy(refOf(spec));
      expect((await hit(proxyUrl)).status).toBe(503);
    } finally {
      await other.close();
    }
  });
});

describe('on an account without allowPipelineCommands (the default)', () => {
  let guarded: LocalTestBed;
  let scratch: string;
  beforeAll(() => {
    guarded = localTestBed({ account: 'local' });
    scratch = mkdtempSync(join(tmpdir(), 'gantry-manifest-'));
  });
  afterAll(async () => {
    await guarded?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses a pipeline command, args or code-loading variable, naming the setting and the account; nothing runs', async () => {
    const proof = join(scratch, `proof-${randomBytes(6).toString('hex')}`);
    const spec = guarded.spec('guard-web', 0);
    const asks: [Record<string, unknown>, RegExp][] = [
      [{ command: '/bin/sh', args: ['-c', `id > ${proof}`] }, /settings\.command: account local runs only what the image declares in its gantry-app\.json/],
      [{ args: ['-e', `require("fs").writeFileSync(${JSON.stringify(proof)}, "")`] }, /settings\.args: account local /],
      [{ env: { NODE_OPTIONS: `--import=data:text/javascript,import fs from "fs"; fs.writeFileSync(${JSON.stringify(proof)}, "")` } }, /settings\.env\.NODE_OPTIONS: account local does not let a pipeline set NODE_OPTIONS/],
    ];
    for (const [settings, message] of asks) {
      const error = await guarded.provider.createServerGroup({ ...spec, settings }).catch((caught: unknown) => caught);
      expect(isProviderError(error, 'Fatal'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('allowPipelineCommands: true');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(proof)).toBe(false);
    expect(guarded.pids()).toEqual([]);
  });

  it('runs what the image declares, with the pipeline env on top', { timeout: 60_000 }, async () => {
    const spec = { ...guarded.spec('guard-web', 1), enabled: true };
    const group = await createUp(spec, guarded);
    expect(group.details?.command).toBe('node server.mjs');
    expect(await (await fetch(proxyUrlOf(group))).json()).toMatchObject({ version: 'v1' });
    await guarded.provider.destroy(refOf(spec));
  });

  it('bakes only a folder that declares what it runs; deploys only an image that does', async () => {
    const bare = join(scratch, 'bare');
    cpSync(EXAMPLE_APP_DIR, bare, { recursive: true });
    rmSync(join(bare, 'gantry-app.json'));
    const request = { account: 'local', package: 'bare', version: '1', settings: { appDir: bare } };
    const unbaked = await guarded.provider.bake(request).catch((caught: unknown) => caught);
    expect(isProviderError(unbaked, 'Fatal')).toBe(true);
    expect((unbaked as Error).message).toMatch(/settings\.appDir: .*bare has no gantry-app\.json declaring what the app runs/);
    const undeclared = await guarded.provider.createServerGroup({ ...guarded.spec('guard-bare', 0), image: bare }).catch((caught: unknown) => caught);
    expect((undeclared as Error).message).toMatch(/image .*bare: the image declares no command: add gantry-app\.json/);

    writeFileSync(join(bare, 'gantry-app.json'), '{"command": "node", "args": "server.mjs"}');
    const broken = await guarded.provider.bake(request).catch((caught: unknown) => caught);
    expect((broken as Error).message).toMatch(/settings\.appDir: .*gantry-app\.json: args: /);
  });
});
