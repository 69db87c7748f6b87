import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderError, type CloudProvider, type ServerGroupRef } from '../packages/providers/src';
import type { ProviderHarnessFactory, ProviderUnderTest } from './providerScenarios/harness';
import { awsUnderTest } from './providerScenarios/aws';
import { gcpUnderTest } from './providerScenarios/gcp';
import { kubernetesUnderTest } from './providerScenarios/kubernetes';
import { localUnderTest } from './providerScenarios/local';

/**
 * One scenario table, every provider (docs/architecture.md "Providers"): the strategies are written once
 * against CloudProvider, so every provider must behave the same way on the same story. Each row
 * drives a real SDK client against a stateful fake cloud, and checks the cloud's side through the
 * fake, not only what the provider says.
 */
const PROVIDERS: Record<string, ProviderHarnessFactory> = {
  kubernetes: kubernetesUnderTest,
  local: localUnderTest,
  aws: awsUnderTest,
  gcp: gcpUnderTest,
};

const UP_TIMEOUT_MS = 20_000;

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = UP_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function refOf(spec: { account: string; location?: string; name: string }): ServerGroupRef {
  return { account: spec.account, name: spec.name, ...(spec.location === undefined ? {} : { location: spec.location }) };
}

async function waitUp(provider: CloudProvider, ref: ServerGroupRef) {
  return eventually(() => provider.health(ref), (health) => health.desired > 0 && health.up >= health.desired, `${ref.name} up`);
}

describe.each(Object.entries(PROVIDERS))('provider scenarios: %s', (_name, start) => {
  let p: ProviderUnderTest;

  beforeAll(async () => {
    p = await start();
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('create → healthy → list → disable → enable → resize → destroy', { timeout: 60_000 }, async () => {
    const cluster = p.cluster();
    const spec = p.spec(cluster, 0);
    const ref = refOf(spec);
    const created = await p.provider.createServerGroup(spec);
    expect(created).toMatchObject({ name: spec.name, cluster: cluster.cluster, sequence: 0, enabled: false });
    expect(await p.resourcesOf(spec.name)).toBeGreaterThan(0);

    await waitUp(p.provider, ref);
    const listed = await p.provider.listServerGroups(cluster);
    expect(listed.map((group) => group.name)).toEqual([spec.name]);
    expect(listed[0]).toMatchObject({ image: spec.image, capacity: spec.capacity });
    expect(await p.servingServerGroups(cluster)).toEqual([]);

    await p.provider.enable(ref);
    await eventually(() => p.servingServerGroups(cluster), (serving) => serving.join() === spec.name, 'enabled group serving');
    expect((await p.provider.getServerGroup(ref))?.enabled).toBe(true);

    await p.provider.disable(ref);
    await eventually(() => p.servingServerGroups(cluster), (serving) => serving.length === 0, 'disabled group out of traffic');
    expect((await p.provider.getServerGroup(ref))?.enabled).toBe(false);

    await p.provider.enable(ref);
    await eventually(() => p.servingServerGroups(cluster), (serving) => serving.join() === spec.name, 'group serving again');

    const bigger = { min: 1, max: 4, desired: 3 };
    await p.provider.resize(ref, bigger);
    await eventually(() => p.provider.health(ref), (health) => health.desired === 3 && health.up === 3, 'resized group up');
    expect((await p.provider.getServerGroup(ref))?.capacity).toEqual(bigger);

    await p.provider.destroy(ref);
    await eventually(() => p.provider.getServerGroup(ref), (group) => group === null, 'group gone');
    expect(await p.resourcesOf(spec.name)).toBe(0);
    // A task re-run after a crash destroys again: a group already gone is done.
    await p.provider.destroy(ref);
    expect(await p.provider.listServerGroups(cluster)).toEqual([]);
  });

  it('a create interrupted after any API call converges on one group when run again', { timeout: 90_000 }, async () => {
    const cluster = p.cluster();
    for (let calls = 0; calls < 4; calls++) {
      const spec = p.spec(cluster, calls);
      await p.interruptAfter(calls);
      // The interruption may land after the last call create makes; then the first run succeeds.
      await p.unretried.createServerGroup(spec).catch((error: unknown) => {
        if (!isProviderError(error)) throw error;
      });
      await p.interruptAfter(Number.MAX_SAFE_INTEGER);
      const again = await p.provider.createServerGroup(spec);
      const third = await p.provider.createServerGroup(spec);
      expect(third).toMatchObject({ name: again.name, image: spec.image });
      await waitUp(p.provider, refOf(spec));
    }
    const names = (await p.provider.listServerGroups(cluster)).map((group) => group.name).sort();
    expect(names).toEqual([0, 1, 2, 3].map((sequence) => p.spec(cluster, sequence).name));
    for (const name of names) expect(await p.resourcesOf(name)).toBeGreaterThan(0);
  });

  it('a group whose instances never get healthy never reports up', { timeout: 30_000 }, async () => {
    const cluster = p.cluster();
    const spec = p.spec(cluster, 0);
    await p.failInstances(spec.name);
    await p.provider.createServerGroup(spec);
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      const health = await p.provider.health(refOf(spec));
      expect(health.up).toBeLessThan(health.desired);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await p.provider.destroy(refOf(spec));
  });

  it('throttled calls are retried until the whole cycle succeeds', { timeout: 90_000 }, async () => {
    const cluster = p.cluster();
    const spec = p.spec(cluster, 0);
    await p.throttle(0.3);
    try {
      await p.provider.createServerGroup(spec);
      await waitUp(p.provider, refOf(spec));
      await p.provider.enable(refOf(spec));
      await p.provider.resize(refOf(spec), { min: 1, max: 1, desired: 1 });
      await p.provider.destroy(refOf(spec));
    } finally {
      await p.throttle(0);
    }
    expect(await p.resourcesOf(spec.name)).toBe(0);
  });

  it('terminateInstances kills the chosen instance, the group replaces it at the same capacity, a repeat kills nothing', { timeout: 60_000 }, async () => {
    const spec = p.spec(p.cluster(), 0);
    const ref = refOf(spec);
    await p.provider.createServerGroup(spec);
    await waitUp(p.provider, ref);
    const before = await eventually(() => p.provider.listInstances(ref), (list) => list.length === 2 && list.every((instance) => instance.healthy), 'two healthy instances');
    const [victim, survivor] = before.map((instance) => instance.id);
    await p.provider.terminateInstances(ref, [victim ?? '']);
    await p.provider.terminateInstances(ref, [victim ?? '']);
    const healed = (list: { id: string; healthy: boolean }[]) => list.length === 2 && list.every((instance) => instance.healthy) && !list.some((instance) => instance.id === victim);
    const after = await eventually(() => p.provider.listInstances(ref), healed, 'the victim replaced');
    expect(after.map((instance) => instance.id)).toContain(survivor);
    // The repeat after the replacement exists (a retried task) finds the victim gone: no effect.
    await p.provider.terminateInstances(ref, [victim ?? '']);
    expect((await p.provider.listInstances(ref)).map((instance) => instance.id).sort()).toEqual(after.map((instance) => instance.id).sort());
    expect((await p.provider.getServerGroup(ref))?.capacity.desired).toBe(2);
    await p.provider.destroy(ref);
  });

  it('a missing group is null to get, a typed NotFound to act on, and done to destroy', async () => {
    const cluster = p.cluster();
    const ref = refOf(p.spec(cluster, 7));
    expect(await p.provider.getServerGroup(ref)).toBeNull();
    for (const act of [() => p.provider.resize(ref, { min: 1, max: 1, desired: 1 }), () => p.provider.enable(ref), () => p.provider.health(ref)]) {
      const error = await act().then(() => undefined, (caught: unknown) => caught);
      expect(isProviderError(error, 'NotFound'), String(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(new RegExp(`^${p.name}/\\w+/${ref.name}: `));
    }
    await p.provider.destroy(ref);
  });
});
