import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAccounts } from '../accounts';
import type { KubernetesAccountConfig } from './account';
import { isProviderError } from '../errors';
import { buildKubeConfig } from './kubeConfig';

function account(yaml: string): KubernetesAccountConfig {
  const [parsed] = parseAccounts(`accounts:\n  - ${yaml}\n`, join(tmpdir(), 'accounts.yaml'));
  if (parsed?.provider !== 'kubernetes') throw new Error('expected a kubernetes account');
  return parsed;
}

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
  - name: one
    cluster: { server: https://one.example:6443 }
  - name: two
    cluster: { server: https://two.example:6443 }
users:
  - name: me
    user: { token: abc }
contexts:
  - name: one
    context: { cluster: one, user: me }
  - name: two
    context: { cluster: two, user: me }
current-context: one
`;

describe('buildKubeConfig', () => {
  it('uses server and the token from the named variable', () => {
    const kc = buildKubeConfig(account('{ name: t, provider: kubernetes, server: "http://127.0.0.1:1234", token: { env: MY_TOKEN }, namespace: ns1 }'), { MY_TOKEN: 's3cret' });
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:1234');
    expect(kc.getCurrentUser()?.token).toBe('s3cret');
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('ns1');
  });

  it('fails with the variable name when the token is not set', () => {
    const build = () => buildKubeConfig(account('{ name: t, provider: kubernetes, server: "http://x", token: { env: MISSING_TOKEN } }'), {});
    expect(build).toThrow(/kubernetes\/connect: the token variable MISSING_TOKEN \(token.env\) is not set.*\(account t\)/);
    try {
      build();
    } catch (error) {
      expect(isProviderError(error, 'Fatal')).toBe(true);
    }
  });

  it('loads a kubeconfig file and switches context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-kube-'));
    const file = join(dir, 'config');
    writeFileSync(file, KUBECONFIG);
    expect(buildKubeConfig(account(`{ name: f, provider: kubernetes, kubeconfig: "${file}" }`), {}).getCurrentCluster()?.server).toBe('https://one.example:6443');
    expect(buildKubeConfig(account(`{ name: f, provider: kubernetes, kubeconfig: "${file}", context: two }`), {}).getCurrentCluster()?.server).toBe('https://two.example:6443');
    expect(() => buildKubeConfig(account(`{ name: f, provider: kubernetes, kubeconfig: "${file}", context: three }`), {})).toThrow(/context three is not in kubeconfig .* \(contexts: one, two\)/);
    expect(() => buildKubeConfig(account(`{ name: f, provider: kubernetes, kubeconfig: "${join(dir, 'nope')}" }`), {})).toThrow(/cannot load kubeconfig/);
  });
});
