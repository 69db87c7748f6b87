import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRegistry } from '../../packages/providers/src';
import { EXAMPLE_APP_DIR, localTestBed, type LocalTestBed } from '../../packages/providers/src/local/testing';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/**
 * Pipelines deploying examples/app with the local provider: real processes behind the real
 * cluster proxy, traffic checked by requests through it while the deploy runs.
 */
describe(`deploys to the local provider (${backend} queue)`, () => {
  let bed: LocalTestBed;
  let gantry: TestGantry;

  beforeAll(async () => {
    bed = localTestBed({ account: 'local' });
    const providers = new ProviderRegistry([bed.provider.account], { local: () => bed.provider }, { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 2_000 } });
    gantry = await startTestGantry({ backend, providers });
  });
  afterAll(async () => {
    await gantry?.stop();
    await bed?.close();
  });

  async function deployPipeline(stack: string, settings: Record<string, unknown>) {
    const id = await gantry.savePipeline({
      application: 'demo',
      name: `p-${Math.random().toString(36).slice(2, 10)}`,
      parameters: [{ name: 'version', default: '1' }],
      stages: [
        {
          refId: 'deploy',
          type: 'deploy',
          waitForUpTimeoutSec: 30,
          cluster: {
            account: 'local',
            application: 'demo',
            stack,
            strategy: 'redblack',
            image: EXAMPLE_APP_DIR,
            capacity: { min: 2, max: 2, desired: 2 },
            settings: { command: process.execPath, args: ['server.mjs'], env: { APP_VERSION: '${parameters.version}' }, ...settings },
          },
        },
      ],
    });
    return async (version: string) => gantry.waitFor(await gantry.trigger(id, { version }), undefined, 60_000);
  }

  it('red/black moves the traffic from v000 to v001 without a failed request', { timeout: 120_000 }, async () => {
    const deploy = await deployPipeline('rb', {});
    expect((await deploy('1')).status).toBe('SUCCEEDED');
    const first = await bed.provider.getServerGroup({ account: 'local', name: 'demo-rb-v000' });
    const proxyUrl = String(first?.details?.proxyUrl);
    const answers = new Map<string, number>();
    const failures: string[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        try {
          const response = await fetch(`${proxyUrl}/`);
          const body = (await response.json()) as { version?: string };
          if (response.status !== 200) failures.push(`HTTP ${response.status}`);
          else answers.set(body.version ?? '?', (answers.get(body.version ?? '?') ?? 0) + 1);
        } catch (error) {
          failures.push(String(error));
        }
      }
    })();
    const second = await deploy('2');
    running = false;
    await load;
    expect(second.status).toBe('SUCCEEDED');
    expect(failures).toEqual([]);
    expect(answers.get('1')).toBeGreaterThan(0);
    expect(answers.get('2')).toBeGreaterThan(0);
    const response = await fetch(`${proxyUrl}/`);
    expect(await response.json()).toMatchObject({ version: '2', serverGroup: 'demo-rb-v001' });
    expect((await bed.provider.getServerGroup({ account: 'local', name: 'demo-rb-v000' }))?.enabled).toBe(false);
  });

  it('fails the deploy with the exit code and stderr of an app that exits at once, leaving the serving group alone', { timeout: 120_000 }, async () => {
    const good = await deployPipeline('crash', {});
    expect((await good('1')).status).toBe('SUCCEEDED');
    const bad = await deployPipeline('crash', { args: ['-e', 'console.error("listen: missing DATABASE_URL"); process.exit(78)'] });
    const execution = await bad('2');
    expect(execution.status).toBe('TERMINAL');
    const error = JSON.stringify(stageOf(execution, 'deploy'));
    expect(error).toContain('cannot get its instances up');
    expect(error).toContain('exit code 78; stderr: listen: missing DATABASE_URL');
    const serving = await bed.provider.getServerGroup({ account: 'local', name: 'demo-crash-v000' });
    expect(serving).toMatchObject({ enabled: true, health: { up: 2 } });
  });
});
