import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '@gantry/providers/local/processes';
import { eventually } from '../../../test/support/eventually';
import { localTestBed, type LocalTestBed } from '../../../test/support/localTestBed';
import { runGantry } from './testSupport';

/** `gantry local stop` against a real local agent running a real instance of examples/app. */
describe('gantry local stop', () => {
  let bed: LocalTestBed;
  beforeAll(() => {
    bed = localTestBed();
  });
  afterAll(() => bed?.close());

  async function groupUp(sequence: number) {
    const spec = bed.spec('stop-web', sequence);
    await bed.provider.createServerGroup(spec);
    const ref = { account: spec.account, name: spec.name };
    await eventually(async () => ((await bed.provider.health(ref)).up === 1 ? true : undefined), 20_000);
    return ref;
  }

  it('with --keep-instances stops only the agent; the next agent adopts the running instance', async () => {
    const ref = await groupUp(1);
    const [instance, agent] = bed.pids();
    const run = await runGantry(['local', 'stop', '--keep-instances', '--data-dir', bed.dataDir]);
    expect(run).toMatchObject({ code: 0, stdout: `stopped the local agent of ${bed.dataDir}; its instances keep running and the next agent adopts them\n` });
    expect(isAlive(agent!)).toBe(false);
    expect(isAlive(instance!)).toBe(true);
    expect(await bed.provider.health(ref)).toMatchObject({ up: 1 });
    expect(bed.pids()[0]).toBe(instance);
  }, 60_000);

  it('stops the agent and every instance it runs, and says so when no agent runs', async () => {
    const pids = bed.pids();
    expect(pids).toHaveLength(2);
    const run = await runGantry(['local', 'stop', '--data-dir', bed.dataDir]);
    expect(run).toMatchObject({ code: 0, stdout: `stopped the local agent of ${bed.dataDir} and every instance it ran\n`, stderr: '' });
    expect(pids.filter(isAlive)).toEqual([]);
    const again = await runGantry(['local', 'stop', '--data-dir', bed.dataDir]);
    expect(again).toMatchObject({ code: 0, stdout: `no local agent is running for ${bed.dataDir}\n` });
  }, 60_000);
});
