import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SteadyTraffic } from '../../examples/demo/traffic';
import { DemoApi, type Execution } from '../../examples/demo/api';
import { releaseFolders } from '../../examples/demo/releases';
import { readUntil } from '../support/eventually';
import { startLocalGantry, type LocalGantry } from '../support/localGantry';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = fileURLToPath(new URL('../../examples/demo/demo.ts', import.meta.url));

/** Runs `npm run demo`'s script against `url` with shorter traffic; its exit code and output. */
function runDemo(url: string, dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', DEMO, '--url', url, '--rate', '100', '--interval-sec', '4', '--settle-sec', '1'], {
      cwd: ROOT,
      // As a user on the machine running Gantry: the demo finds the admin token in the data dir.
      env: { ...process.env, GANTRY_DATA_DIR: dataDir, GANTRY_TOKEN: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('Gantry on the local provider, as `npm start` runs it', () => {
  let local: LocalGantry;

  beforeAll(async () => {
    local = await startLocalGantry();
  }, 90_000);
  afterAll(async () => {
    await local?.close();
  }, 60_000);

  it('runs the demo: red/black, a slow canary rolled back, a good one promoted, a manual rollback, no request failed', { timeout: 240_000 }, async () => {
    const { code, output } = await runDemo(local.url, local.dataDir);
    expect(output, output).toMatch(/^demo: \d+ requests, 0 failed, rollback \d+ ms \(p50 of traffic-restored\), final server group demo-web-v001$/m);
    expect(output).not.toMatch(/WRONG/);
    expect(code).toBe(0);
  });

  it('rolls traffic to a new version in steps through the proxy, no request failing', { timeout: 120_000 }, async () => {
    const api = new DemoApi(local.url, local.token);
    const folders = await releaseFolders();
    const pipeline = await api.savePipeline(await examplePipeline('rolling', 'roll', { delayBeforeNextStepSec: 1 }));
    expect((await api.waitFor(await api.trigger(pipeline, { version: '1', appDir: folders.get('1') }))).status).toBe('SUCCEEDED');
    const [v1] = (await api.serverGroups('roll', 'roll-web')).filter((group) => group.enabled);
    const traffic = new SteadyTraffic(String(v1?.details?.proxyUrl), 50);
    traffic.start();
    try {
      const second = await api.waitFor(await api.trigger(pipeline, { version: '2', appDir: folders.get('2') }));
      expect(second.status).toBe('SUCCEEDED');
      expect(second.stages.find((stage) => stage.refId === 'deploy')?.outputs).toMatchObject({ completedPercentages: [10, 25, 50, 100] });
      const before = traffic.snapshot();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = traffic.snapshot();
      // Both versions answered during the steps; only the new one once it has 100 %.
      expect(after.byVersion['1'] ?? 0).toBeGreaterThan(0);
      expect((after.byVersion['1'] ?? 0) - (before.byVersion['1'] ?? 0)).toBe(0);
      expect((after.byVersion['2'] ?? 0) - (before.byVersion['2'] ?? 0)).toBeGreaterThan(0);
    } finally {
      const counts = await traffic.stop();
      expect(counts.failures).toEqual([]);
    }
  });

  it('finishes a red/black killed mid-way (SIGKILL) after a restart; the old version serves until the switch, no request fails', { timeout: 180_000 }, async () => {
    const api = new DemoApi(local.url, local.token);
    const folders = await releaseFolders();
    // A judgment holds the deploy with the new group up and out of traffic: the moment to kill Gantry.
    const pipeline = await api.savePipeline(await examplePipeline('redblack', 'kill', { judgment: { instructions: 'switch?' } }));

    const first = await api.trigger(pipeline, { version: '1', appDir: folders.get('1') });
    await judgeWhenAsked(local, first);
    expect((await api.waitFor(first)).status).toBe('SUCCEEDED');
    const [v1] = (await api.serverGroups('kill', 'kill-web')).filter((group) => group.enabled);
    const proxyUrl = String(v1?.details?.proxyUrl);
    const traffic = new SteadyTraffic(proxyUrl, 50);
    traffic.start();
    try {
      const second = await api.trigger(pipeline, { version: '2', appDir: folders.get('2') });
      await waitForStage(local, second, (execution) => execution.stages.some((stage) => stage.refId === 'deploy' && stage.outputs.serverGroupName !== undefined && awaitingJudgment(execution)));
      await local.restart();
      const beforeSwitch = traffic.snapshot();
      expect(Object.keys(beforeSwitch.byVersion)).toEqual(['1']);
      await judgeWhenAsked(local, second);
      const finished = await api.waitFor(second);
      expect(finished.status).toBe('SUCCEEDED');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = traffic.snapshot();
      expect(after.byVersion['2'] ?? 0).toBeGreaterThan(0);
      const servingNow = (await api.serverGroups('kill', 'kill-web')).filter((group) => group.enabled).map((group) => group.name);
      expect(servingNow).toEqual([finished.stages.find((stage) => stage.refId === 'deploy')?.outputs.serverGroupName]);
    } finally {
      const counts = await traffic.stop();
      expect(counts.failures).toEqual([]);
      expect(counts.failed).toBe(0);
    }
  });
});

/** A pipeline of examples/pipelines for another application, its cluster's fields changed. */
async function examplePipeline(name: string, application: string, cluster: Record<string, unknown>): Promise<{ application: string; name: string; stages: unknown[] }> {
  const definition = JSON.parse(await readFile(new URL(`../../examples/pipelines/${name}.json`, import.meta.url), 'utf8')) as {
    name: string;
    stages: { cluster?: Record<string, unknown> }[];
  };
  const stages = definition.stages.map((stage) => (stage.cluster === undefined ? stage : { ...stage, cluster: { ...stage.cluster, application, ...cluster } }));
  return { ...definition, application, stages };
}

function awaitingJudgment(execution: Execution): boolean {
  const deploy: (Execution['stages'][number] & { tasks?: { name: string; status: string }[] }) | undefined = execution.stages.find((stage) => stage.refId === 'deploy');
  return deploy?.tasks?.some((task) => task.name === 'waitForJudgment' && task.status === 'RUNNING') ?? false;
}

function waitForStage(local: LocalGantry, id: string, ready: (execution: Execution) => boolean): Promise<Execution> {
  return readUntil(async () => (await (await fetch(`${local.url}/api/v1/executions/${id}`, { headers: local.headers })).json()) as Execution, ready, 60_000, 200);
}

/** Waits for the deploy's judgment and answers "continue". */
async function judgeWhenAsked(local: LocalGantry, id: string): Promise<void> {
  await waitForStage(local, id, awaitingJudgment);
  const response = await fetch(`${local.url}/api/v1/executions/${id}/stages/deploy/judgment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...local.headers },
    body: JSON.stringify({ judgmentStatus: 'continue' }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}
