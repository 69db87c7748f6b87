import { accountSchema, type BakeRequest, type CloudProvider, type Image } from '@gantry/providers';
import { describe, expect, it } from 'vitest';
import { makeTaskContext } from '../testContext';
import { bakeImageTask } from './bakeImage';

/** Accounts as the accounts file gives them, and a provider that records its bake requests and answers an available image. */
function bakery(accounts: { name: string; provider: 'aws' | 'gcp' }[], baseImages?: Record<string, string>) {
  const requests: BakeRequest[] = [];
  const provider = {
    kind: 'aws',
    async bake(request: BakeRequest): Promise<Image> {
      requests.push(request);
      return { id: 'ami-123', name: `${request.package}-${request.version}`, reused: false };
    },
  } as unknown as CloudProvider;
  const region = (name: string) => (baseImages === undefined ? name : { name, baseImages });
  const configs = accounts.map((account) =>
    accountSchema.parse(account.provider === 'aws' ? { ...account, regions: [region('us-east-1')] } : { ...account, project: 'images-project', regions: ['us-central1'] }),
  );
  const providers = {
    accounts: () => configs,
    forAccount: (name: string) => ({ account: configs.find((account) => account.name === name)!, provider }),
  };
  return { requests, providers };
}

const spinnakerBake = { type: 'bake', package: 'deck', baseOs: 'ubuntu', baseLabel: 'release', region: 'us-east-1', baseAmi: 'ami-base', user: 'someone@example.com' };

describe('bakeImage for a bake that names no account (Spinnaker\'s bakes have none)', () => {
  it('bakes in the one account of its cloud, the newest version of the package', async () => {
    const { requests, providers } = bakery([{ name: 'bakery', provider: 'aws' }, { name: 'images', provider: 'gcp' }]);
    const ctx = makeTaskContext({ stage: { type: 'bake', context: spinnakerBake }, task: { name: 'bakeImage' }, services: { providers } });
    expect(await bakeImageTask.run(ctx)).toMatchObject({ status: 'SUCCEEDED', outputs: { imageId: 'ami-123' } });
    expect(requests).toEqual([expect.objectContaining({ account: 'bakery', location: 'us-east-1', package: 'deck', version: 'latest', baseImage: 'ami-base' })]);
  });

  it("names the image after baseName, as rosco does, when the stage gives one", async () => {
    const { requests, providers } = bakery([{ name: 'bakery', provider: 'aws' }]);
    const ctx = makeTaskContext({ stage: { type: 'bake', context: { ...spinnakerBake, baseName: 'deckbase' } }, task: { name: 'bakeImage' }, services: { providers } });
    expect(await bakeImageTask.run(ctx)).toMatchObject({ status: 'SUCCEEDED' });
    expect(requests).toEqual([expect.objectContaining({ package: 'deck', baseName: 'deckbase' })]);
  });

  it('asks the provider for a bake of no package when the stage names none (rosco: the base image as is)', async () => {
    const { requests, providers } = bakery([{ name: 'bakery', provider: 'aws' }]);
    const { package: _package, ...bare } = spinnakerBake;
    const ctx = makeTaskContext({ stage: { type: 'bake', context: bare }, task: { name: 'bakeImage' }, services: { providers } });
    const result = await bakeImageTask.run(ctx);
    expect(result).toMatchObject({ status: 'SUCCEEDED', outputs: { imageId: 'ami-123', deploymentDetails: [{ imageId: 'ami-123', region: 'us-east-1' }] } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).not.toHaveProperty('package');
    expect(requests[0]).toMatchObject({ account: 'bakery', baseImage: 'ami-base' });
  });

  it('bakes the package the artifact of packageArtifactIds names, bound by the trigger; fails naming the id when none is bound', async () => {
    const { package: _package, ...byArtifact } = spinnakerBake;
    const context = { ...byArtifact, packageArtifactIds: ['pkg'] };
    const trigger = {
      type: 'webhook',
      resolvedExpectedArtifacts: [{ id: 'pkg', boundArtifact: { type: 'deb/package', name: 'wget', version: '1.18-5' } }],
    };
    const { requests, providers } = bakery([{ name: 'bakery', provider: 'aws' }]);
    const bound = makeTaskContext({ stage: { type: 'bake', context }, task: { name: 'bakeImage' }, services: { providers }, execution: { trigger } });
    expect(await bakeImageTask.run(bound)).toMatchObject({ status: 'SUCCEEDED', outputs: { deploymentDetails: [{ package: 'wget' }] } });
    expect(requests).toEqual([expect.objectContaining({ package: 'wget', version: '1.18-5' })]);

    const unbound = makeTaskContext({ stage: { type: 'bake', context }, task: { name: 'bakeImage' }, services: { providers } });
    expect(await bakeImageTask.run(unbound)).toEqual({
      status: 'TERMINAL',
      error: 'packageArtifactIds: no artifact is bound to expected artifact pkg (by the trigger or an earlier stage)',
    });
    expect(requests).toHaveLength(1);
  });

  it('fails naming account when its cloud has no account or several', async () => {
    for (const accounts of [[], [{ name: 'a', provider: 'aws' as const }, { name: 'b', provider: 'aws' as const }]]) {
      const { requests, providers } = bakery(accounts);
      const ctx = makeTaskContext({ stage: { type: 'bake', context: spinnakerBake }, task: { name: 'bakeImage' }, services: { providers } });
      expect(await bakeImageTask.run(ctx)).toEqual({
        status: 'TERMINAL',
        error: expect.stringMatching(/^the bake names no account and there (is no aws account|are 2 aws accounts \(a, b\)): name one in account/),
      });
      expect(requests).toEqual([]);
    }
  });
});

describe('bakeImage for a bake that names a baseOs, not an image (Spinnaker\'s bakery)', () => {
  const { baseAmi: _baseAmi, ...byOs } = spinnakerBake;

  it("starts from the image the account's bakery table lists for that baseOs in the bake's region", async () => {
    const { requests, providers } = bakery([{ name: 'bakery', provider: 'aws' }], { ubuntu: 'ami-0abc' });
    const ctx = makeTaskContext({ stage: { type: 'bake', context: byOs }, task: { name: 'bakeImage' }, services: { providers } });
    expect(await bakeImageTask.run(ctx)).toMatchObject({ status: 'SUCCEEDED' });
    expect(requests).toEqual([expect.objectContaining({ baseImage: 'ami-0abc' })]);
  });

  it('fails naming the baseOs and the setting when the table lists none', async () => {
    const { requests, providers } = bakery([{ name: 'bakery', provider: 'aws' }], { trusty: 'ami-0def' });
    const ctx = makeTaskContext({ stage: { type: 'bake', context: byOs }, task: { name: 'bakeImage' }, services: { providers } });
    expect(await bakeImageTask.run(ctx)).toEqual({
      status: 'TERMINAL',
      error: 'no base image for baseOs "ubuntu" in us-east-1: give baseAmi (baseImage), or list it in account bakery\'s regions[].baseImages',
    });
    expect(requests).toEqual([]);
  });
});
