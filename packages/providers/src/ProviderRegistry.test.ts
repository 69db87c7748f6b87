import { NotFoundError } from '@gantry/core';
import { describe, expect, it } from 'vitest';
import { parseAccounts } from './accounts';
import type { CloudProvider, ServerGroup } from './CloudProvider';
import { ProviderError, isProviderError, type ProviderErrorKind } from './errors';
import { KubernetesProvider } from './kubernetes/KubernetesProvider';
import { LazyProvider } from './LazyProvider';
import { ObservedProvider } from './ObservedProvider';
import { ProviderRegistry, UnknownAccountError } from './ProviderRegistry';
import { RetryingProvider } from './RetryingProvider';
import type { RetryOptions } from './retry';

const accounts = parseAccounts(
  `accounts:
  - { name: k8s, provider: kubernetes, server: "http://127.0.0.1:1" }
  - { name: local, provider: local }
  - { name: aws-prod, provider: aws, regions: [us-east-1] }
`,
  'accounts.yaml',
);

const noWait: RetryOptions = { attempts: 3, baseDelayMs: 1, maxDelayMs: 10, sleep: async () => undefined };

/** A provider whose calls fail with the queued kinds first. */
function flakyProvider(failures: ProviderErrorKind[]): CloudProvider & { calls: string[] } {
  const calls: string[] = [];
  const attempt = async <T>(operation: string, value: T): Promise<T> => {
    calls.push(operation);
    const kind = failures.shift();
    if (kind) throw new ProviderError({ kind, provider: 'local', operation, reason: kind });
    return value;
  };
  const group = { name: 'app-v000' } as ServerGroup;
  return {
    kind: 'local',
    calls,
    bake: () => attempt('bake', { id: 'i', name: 'i', reused: true }),
    createServerGroup: () => attempt('createServerGroup', group),
    getServerGroup: () => attempt('getServerGroup', group),
    listServerGroups: () => attempt('listServerGroups', [group]),
    resize: () => attempt('resize', undefined),
    enable: () => attempt('enable', undefined),
    disable: () => attempt('disable', undefined),
    setTrafficWeights: () => attempt('setTrafficWeights', undefined),
    setRequestRouting: () => attempt('setRequestRouting', undefined),
    destroy: () => attempt('destroy', undefined),
    health: () => attempt('health', { desired: 1, up: 1, down: 0, unknown: 0 }),
    listInstances: () => attempt('listInstances', []),
    terminateInstances: () => attempt('terminateInstances', undefined),
  };
}

/** The registry's provider: reported (ObservedProvider) around retried (RetryingProvider). */
function retrying(provider: CloudProvider): RetryingProvider {
  return (provider as ObservedProvider).inner as RetryingProvider;
}

describe('ProviderRegistry', () => {
  it('builds the kubernetes provider, wrapped in retries, once per account', async () => {
    const registry = new ProviderRegistry(accounts, {}, { env: {} });
    const first = registry.forAccount('k8s');
    expect(first.account.name).toBe('k8s');
    expect(first.provider).toBeInstanceOf(ObservedProvider);
    expect(retrying(first.provider)).toBeInstanceOf(RetryingProvider);
    const inner = retrying(first.provider).inner;
    // The Kubernetes client is loaded on the first call, not when the account is looked up.
    expect(inner).toBeInstanceOf(LazyProvider);
    expect(await (inner as LazyProvider).provider()).toBeInstanceOf(KubernetesProvider);
    expect(registry.forAccount('k8s').provider).toBe(first.provider);
    expect(registry.accounts().map((a) => a.name)).toEqual(['k8s', 'local', 'aws-prod']);
  });

  it('names the known accounts when asked for an unknown one', () => {
    const registry = new ProviderRegistry(accounts);
    expect(() => registry.forAccount('k8s-prd')).toThrow(UnknownAccountError);
    expect(() => registry.forAccount('k8s-prd')).toThrow(NotFoundError);
    expect(() => registry.forAccount('k8s-prd')).toThrow('unknown account k8s-prd; known accounts: aws-prod, k8s, local');
  });

  it('takes factories per provider kind and says when a kind has none yet', () => {
    const local = flakyProvider([]);
    const registry = new ProviderRegistry(accounts, { local: (account) => (account.name === 'local' ? local : flakyProvider([])), aws: undefined });
    expect(retrying(registry.forAccount('local').provider).inner).toBe(local);
    expect(() => registry.forAccount('aws-prod')).toThrow(/aws\/connect: no aws provider is available.*\(account aws-prod\)/);
  });

  it('retries transient failures of every call through the wrapper', async () => {
    const inner = flakyProvider(['Transient', 'Throttled']);
    const registry = new ProviderRegistry(accounts, { local: () => inner }, { retry: noWait });
    await expect(registry.forAccount('local').provider.health({ account: 'local', name: 'app-v000' })).resolves.toMatchObject({ up: 1 });
    expect(inner.calls).toEqual(['health', 'health', 'health']);
  });

  it("tells an observer of each retry, over the account's one shared client", async () => {
    const inner = flakyProvider(['Throttled']);
    const configured: string[] = [];
    const retry = { ...noWait, onRetry: (event: { attempt: number }) => configured.push(`registry ${event.attempt}`) };
    const registry = new ProviderRegistry(accounts, { local: () => inner }, { retry });
    const observed: string[] = [];
    const { provider } = registry.forAccount('local', { onRetry: (event) => observed.push(`${event.error.operation} ${event.error.kind} ${event.attempt}`) });
    await provider.health({ account: 'local', name: 'app-v000' });
    expect(observed).toEqual(['health Throttled 1']);
    expect(configured).toEqual(['registry 1']);
    expect(retrying(provider).inner).toBe(retrying(registry.forAccount('local').provider).inner);
  });
});

describe('RetryingProvider', () => {
  it('retries Conflict for operations that re-read, not for createServerGroup', async () => {
    const rereads = flakyProvider(['Conflict']);
    await new RetryingProvider(rereads, noWait).resize({ account: 'local', name: 'app-v000' }, { min: 1, max: 1, desired: 1 });
    expect(rereads.calls).toEqual(['resize', 'resize']);

    const creates = flakyProvider(['Conflict']);
    const error = await new RetryingProvider(creates, noWait).createServerGroup({} as never).catch((e: unknown) => e);
    expect(isProviderError(error, 'Conflict')).toBe(true);
    expect(creates.calls).toEqual(['createServerGroup']);
  });

  it('never retries Fatal', async () => {
    const inner = flakyProvider(['Fatal']);
    await expect(new RetryingProvider(inner, noWait).enable({ account: 'local', name: 'app-v000' })).rejects.toMatchObject({ kind: 'Fatal' });
    expect(inner.calls).toEqual(['enable']);
  });
});
