/**
 * An in-cluster account (`inCluster: true`), against the fake API server speaking TLS with a
 * certificate of a self-signed CA and checking bearer tokens, as a cluster's API server does for a
 * pod: the server from KUBERNETES_SERVICE_HOST/PORT, the CA, token and namespace from the mounted
 * service account (its folder moved by GANTRY_KUBERNETES_SERVICEACCOUNT_DIR). The certificates are
 * made with the real openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../../../../test/fakes/kubernetes';
import { parseAccounts } from '../accounts';
import { isProviderError } from '../errors';
import type { KubernetesAccountConfig } from './account';
import { manifestsFor } from './manifestClient';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-in-cluster-'));
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.in-cluster-service-account';

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: scratch, stdio: 'pipe' });
}

/** A CA (`<name>.crt`/`.key`), and with `server` a certificate it signs for 127.0.0.1. */
function certificateAuthority(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`);
}

/** A service account folder as the kubelet mounts it. */
function serviceAccount(folder: string, files: { token?: string; ca?: string; namespace?: string }): string {
  const dir = join(scratch, folder);
  mkdirSync(dir, { recursive: true });
  if (files.token !== undefined) writeFileSync(join(dir, 'token'), files.token);
  if (files.ca !== undefined) writeFileSync(join(dir, 'ca.crt'), readFileSync(join(scratch, files.ca)));
  if (files.namespace !== undefined) writeFileSync(join(dir, 'namespace'), files.namespace);
  return dir;
}

function inClusterAccount(extra = ''): KubernetesAccountConfig {
  const [parsed] = parseAccounts(`accounts:\n  - name: in-cluster\n    provider: kubernetes\n    inCluster: true\n${extra}`, join(scratch, 'accounts.yaml'));
  if (parsed?.provider !== 'kubernetes') throw new Error('expected a kubernetes account');
  return parsed;
}

const configMap = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: 'b' } });

async function failure(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (isProviderError(error)) return error.reason;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('in-cluster accounts: the pod\'s service account over TLS', () => {
  let fake: FakeKubernetes;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    certificateAuthority('cluster-ca');
    certificateAuthority('other-ca');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
    writeFileSync(join(scratch, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.default.svc\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'cluster-ca.crt', '-CAkey', 'cluster-ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
    fake = await startFakeKubernetes({
      tls: { key: readFileSync(join(scratch, 'server.key'), 'utf8'), cert: readFileSync(join(scratch, 'server.crt'), 'utf8') },
      tokens: { [TOKEN]: { user: 'system:serviceaccount:apps:gantry' } },
    });
    env = {
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(fake.port),
      GANTRY_KUBERNETES_SERVICEACCOUNT_DIR: serviceAccount('mounted', { token: TOKEN, ca: 'cluster-ca.crt', namespace: 'apps' }),
    };
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reaches the API server of KUBERNETES_SERVICE_HOST/PORT over TLS with the service account\'s CA and token, in the pod\'s namespace', async () => {
    expect(fake.url).toBe(`https://127.0.0.1:${fake.port}`);
    const client = manifestsFor(inClusterAccount(), env);
    expect(client.defaultNamespace).toBe('apps');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await client.apply(configMap('settings', client.defaultNamespace));
    expect(fake.state.get('configmaps', 'settings', 'apps')?.data).toEqual({ a: 'b' });
  });

  it('keeps a namespace the account names over the pod\'s', () => {
    expect(manifestsFor(inClusterAccount('    namespace: web\n'), env).defaultNamespace).toBe('web');
  });

  it('refuses a server whose certificate its CA did not sign, and a token the server does not know', async () => {
    const otherCa = { ...env, GANTRY_KUBERNETES_SERVICEACCOUNT_DIR: serviceAccount('other-ca', { token: TOKEN, ca: 'other-ca.crt', namespace: 'apps' }) };
    expect(await failure(() => manifestsFor(inClusterAccount(), otherCa).apply(configMap('x', 'apps')))).toMatch(/certificate/i);
    const badToken = { ...env, GANTRY_KUBERNETES_SERVICEACCOUNT_DIR: serviceAccount('bad-token', { token: 'not-a-token', ca: 'cluster-ca.crt', namespace: 'apps' }) };
    expect(await failure(() => manifestsFor(inClusterAccount(), badToken).apply(configMap('x', 'apps')))).toMatch(/Unauthorized/);
  });

  it('names what is missing outside a pod: the service variables, or the mounted token', () => {
    const withoutService = { GANTRY_KUBERNETES_SERVICEACCOUNT_DIR: env.GANTRY_KUBERNETES_SERVICEACCOUNT_DIR };
    expect(() => manifestsFor(inClusterAccount(), withoutService)).toThrow(/KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/);
    const unmounted = { ...env, GANTRY_KUBERNETES_SERVICEACCOUNT_DIR: serviceAccount('unmounted', { ca: 'cluster-ca.crt' }) };
    expect(() => manifestsFor(inClusterAccount(), unmounted)).toThrow(/unmounted\/token does not exist/);
  });

  it('refuses inCluster beside a server or a kubeconfig, naming the field', () => {
    expect(() => inClusterAccount('    server: https://127.0.0.1:6443\n')).toThrow(/inCluster/);
  });
});
