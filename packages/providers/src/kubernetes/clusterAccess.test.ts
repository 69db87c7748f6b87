/**
 * How Gantry reaches real clusters, against the fake with bearer tokens checked (authn.ts): a
 * kubeconfig whose user is an exec credential plugin (as `aws eks get-token`, `gke-gcloud-auth-plugin`
 * and `kubelogin` are), a server with a service account token, and a service account restricted to
 * one namespace, whose discovery and work must not need cluster-wide rights.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../../../../test/fakes/kubernetes';
import { parseAccounts } from '../accounts';
import { isProviderError } from '../errors';
import type { KubernetesAccountConfig } from './account';
import { manifestsFor } from './manifestClient';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-cluster-access-'));

function account(yaml: string): KubernetesAccountConfig {
  const [parsed] = parseAccounts(`accounts:\n  - ${yaml}\n`, join(scratch, 'accounts.yaml'));
  if (parsed?.provider !== 'kubernetes') throw new Error('expected a kubernetes account');
  return parsed;
}

const configMap = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: 'b' } });

describe('cluster access: exec credential plugins, service account tokens, namespace-restricted accounts', () => {
  let fake: FakeKubernetes;

  beforeAll(async () => {
    fake = await startFakeKubernetes({
      tokens: {
        'from-exec-plugin': { user: 'arn:aws:iam::111122223333:role/deployer' },
        'sa-admin': { user: 'system:serviceaccount:gantry:gantry' },
        'sa-ns1': { user: 'system:serviceaccount:ns1:deployer', namespaces: ['ns1'] },
      },
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('refuses a request without a known token, as the API server does (401)', async () => {
    const client = manifestsFor(account(`{ name: anonymous, provider: kubernetes, server: "${fake.url}", namespace: ns1 }`));
    const error = await client.resourceFor('ConfigMap', 'v1').catch((e: unknown) => e);
    expect(isProviderError(error) && error.reason).toMatch(/Unauthorized/);
  });

  it('reads its token from a kubeconfig exec credential plugin (client.authentication.k8s.io/v1 ExecCredential)', async () => {
    const plugin = join(scratch, 'get-token.sh');
    // What EKS's `aws eks get-token` prints; the plugin gets its arguments and environment from the kubeconfig.
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'"$TOKEN_PREFIX"'-'"$1"'"}}'\n`);
    chmodSync(plugin, 0o755);
    const kubeconfig = join(scratch, 'kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config',
      // The fake speaks plain HTTP, which client-node only allows with TLS verification off.
      'clusters:', `  - name: eks`, `    cluster: { server: "${fake.url}", insecure-skip-tls-verify: true }`,
      'users:', '  - name: eks-user', '    user:', '      exec:',
      '        apiVersion: client.authentication.k8s.io/v1', `        command: ${plugin}`, '        args: [exec-plugin]',
      '        env: [{ name: TOKEN_PREFIX, value: from }]', '        interactiveMode: Never',
      'contexts:', '  - name: eks', '    context: { cluster: eks, user: eks-user, namespace: ns1 }',
      'current-context: eks', '',
    ].join('\n'));
    const client = manifestsFor(account(`{ name: eks, provider: kubernetes, kubeconfig: ${kubeconfig}, namespace: ns1 }`));
    const resource = await client.resourceFor('ConfigMap', 'v1');
    await client.apply(configMap('from-exec', 'ns1'));
    expect((await client.list(resource, 'ns1')).map((item) => (item.metadata as { name: string }).name)).toContain('from-exec');
  });

  it('uses a service account token given to a server account', async () => {
    const client = manifestsFor(account(`{ name: in-cluster, provider: kubernetes, server: "${fake.url}", token: { env: SA_TOKEN }, namespace: default }`), { SA_TOKEN: 'sa-admin' });
    await client.apply(configMap('from-sa', 'default'));
    expect(await client.get(await client.resourceFor('ConfigMap', 'v1'), 'default', 'from-sa')).not.toBeNull();
  });

  it('works in its namespace with a namespace-restricted token (discovery needs no cluster-wide rights) and is refused elsewhere by the cluster', async () => {
    const restricted = account(`{ name: team, provider: kubernetes, server: "${fake.url}", token: { env: SA_TOKEN }, namespaces: [ns1] }`);
    const client = manifestsFor(restricted, { SA_TOKEN: 'sa-ns1' });
    const resource = await client.resourceFor('ConfigMap', 'v1');
    await client.apply(configMap('team-config', 'ns1'));
    expect(await client.list(resource, 'ns1')).not.toEqual([]);
    // Gantry's own check stops a stage naming another namespace before the cluster is asked…
    expect(() => client.checkNamespace('default', 'deployManifest')).toThrow(/not one of the account's namespaces/);
    // …and the cluster refuses what the token may not do, with its reason.
    const forbidden = await client.list(resource, 'default').catch((e: unknown) => e);
    expect(isProviderError(forbidden) && forbidden.reason).toMatch(/configmaps is forbidden: User "system:serviceaccount:ns1:deployer" cannot list resource "configmaps" in API group "" in the namespace "default"/);
    const clusterScoped = await client.list(await client.resourceFor('Namespace', 'v1'), undefined).catch((e: unknown) => e);
    expect(isProviderError(clusterScoped) && clusterScoped.reason).toMatch(/at the cluster scope/);
  });
});
