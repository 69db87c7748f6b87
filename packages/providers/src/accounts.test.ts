import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@gantry/config';
import { describe, expect, it } from 'vitest';
import { loadAccounts, parseAccounts } from './accounts';

const EXAMPLE = `
accounts:
  - name: k8s-prod
    provider: kubernetes
    kubeconfig: kube/config
    context: prod
    namespaces: [checkout, payments]
    traffic:
      mode: gatewayHttpRoute
      httpRoute:
        parentRefs: [{ name: public, namespace: gateways }]
  - name: k8s-test
    provider: kubernetes
    server: http://127.0.0.1:6443
    token: { env: K8S_TEST_TOKEN }
    skipTLSVerify: true
  - name: aws-prod
    provider: aws
    regions: [us-east-1]
    credentials: { accessKeyId: { env: AWS_PROD_KEY }, secretAccessKey: { env: AWS_PROD_SECRET } }
  - name: local
    provider: local
`;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gantry-accounts-'));
}

describe('parseAccounts', () => {
  it('reads every provider kind, applies defaults and anchors kubeconfig paths at the file', () => {
    const accounts = parseAccounts(EXAMPLE, '/etc/gantry/accounts.yaml');
    expect(accounts.map((a) => a.name)).toEqual(['k8s-prod', 'k8s-test', 'aws-prod', 'local']);
    const [prod, test, aws] = accounts;
    expect(prod).toMatchObject({ provider: 'kubernetes', kubeconfig: '/etc/gantry/kube/config', namespace: 'checkout', traffic: { mode: 'gatewayHttpRoute' } });
    expect(test).toMatchObject({ provider: 'kubernetes', namespace: 'default', token: { env: 'K8S_TEST_TOKEN' }, traffic: { mode: 'service' } });
    expect(aws).toMatchObject({ provider: 'aws', regions: [{ name: 'us-east-1' }], credentials: { accessKeyId: { env: 'AWS_PROD_KEY' } } });
  });

  it('treats an empty file or an empty list as no accounts', () => {
    expect(parseAccounts('', 'a.yaml')).toEqual([]);
    expect(parseAccounts('accounts: []', 'a.yaml')).toEqual([]);
    expect(parseAccounts('accounts:', 'a.yaml')).toEqual([]);
  });

  it('names the file and the path of each problem', () => {
    const text = `
accounts:
  - { name: a, provider: kubernetes }
  - { name: b, provider: kubernetes }
  - { name: c, provider: kubernetes, namespace: Not_A_Namespace }
`;
    expect(() => parseAccounts(text, '/x/accounts.yaml')).toThrow(ConfigError);
    expect(() => parseAccounts(text, '/x/accounts.yaml')).toThrow(/invalid accounts file \/x\/accounts.yaml: accounts\[2\]\.namespace: /);
  });

  it('reads tags on any provider, for deploy policies, and refuses odd ones', () => {
    const accounts = parseAccounts('accounts:\n  - { name: k8s-prod, provider: kubernetes, tags: [prod, team:shop] }\n  - { name: local, provider: local }\n', 'f.yaml');
    expect(accounts.map((account) => account.tags)).toEqual([['prod', 'team:shop'], undefined]);
    expect(() => parseAccounts('accounts:\n  - { name: a, provider: local, tags: ["has space"] }\n', 'f.yaml')).toThrow(/accounts\[0\]\.tags\[0\]: a tag/);
  });

  it('rejects duplicate names, naming both entries', () => {
    const text = 'accounts:\n  - { name: a, provider: local }\n  - { name: a, provider: kubernetes }\n';
    expect(() => parseAccounts(text, 'f.yaml')).toThrow(/accounts\[1\]\.name: duplicate account name a \(also accounts\[0\]\)/);
  });

  it('refuses literal secrets and other mistakes', () => {
    const literal = 'accounts:\n  - { name: a, provider: kubernetes, server: "https://k", token: "s3cr3t" }\n';
    expect(() => parseAccounts(literal, 'f.yaml')).toThrow(/accounts\[0\]\.token: must be a reference \{env: VARIABLE\}, never a literal secret/);
    const unknownProvider = 'accounts:\n  - { name: a, provider: azure }\n';
    expect(() => parseAccounts(unknownProvider, 'f.yaml')).toThrow(/accounts\[0\]/);
    const typo = 'accounts:\n  - { name: a, provider: kubernetes, namespce: x }\n';
    expect(() => parseAccounts(typo, 'f.yaml')).toThrow(/namespce/);
    const both = 'accounts:\n  - { name: a, provider: kubernetes, server: "https://k", kubeconfig: x }\n';
    expect(() => parseAccounts(both, 'f.yaml')).toThrow(/accounts\[0\]\.server: give either kubeconfig or server/);
    const outside = 'accounts:\n  - { name: a, provider: kubernetes, namespace: x, namespaces: [y] }\n';
    expect(() => parseAccounts(outside, 'f.yaml')).toThrow(/accounts\[0\]\.namespace: must be one of namespaces \(y\)/);
    const notObject = 'accounts:\n  - { name: a, provider: aws, regions: us-east-1 }\n';
    expect(() => parseAccounts(notObject, 'f.yaml')).toThrow(/accounts\[0\]\.regions/);
    expect(() => parseAccounts('acounts: []', 'f.yaml')).toThrow(/acounts/);
    expect(() => parseAccounts('accounts: [', 'f.yaml')).toThrow(/not valid YAML/);
  });
});

describe('loadAccounts', () => {
  it('reads GANTRY_ACCOUNTS_FILE', () => {
    const dir = tempDir();
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'accounts:\n  - { name: local, provider: local }\n');
    expect(loadAccounts({ GANTRY_ACCOUNTS_FILE: file }).map((a) => a.name)).toEqual(['local']);
  });

  it('falls back to ./accounts.yaml when it exists, and to the one account local (this machine) when it does not', () => {
    const dir = tempDir();
    expect(loadAccounts({}, { cwd: dir })).toEqual([{ name: 'local', provider: 'local' }]);
    writeFileSync(join(dir, 'accounts.yaml'), 'accounts:\n  - { name: dev, provider: kubernetes }\n');
    expect(loadAccounts({}, { cwd: dir })).toMatchObject([{ name: 'dev', namespace: 'default' }]);
  });

  it('lets the configuration name the file, and fails loudly when a named file is missing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'from-config.yaml'), 'accounts:\n  - { name: cfg, provider: local }\n');
    expect(loadAccounts({}, { cwd: dir, file: 'from-config.yaml' }).map((a) => a.name)).toEqual(['cfg']);
    expect(() => loadAccounts({ GANTRY_ACCOUNTS_FILE: join(dir, 'missing.yaml') })).toThrow(/GANTRY_ACCOUNTS_FILE: cannot read/);
  });
});

describe('local accounts', () => {
  it('anchors dataDir at the file and checks ports', () => {
    const text = 'accounts:\n  - { name: here, provider: local, dataDir: data, portRange: { from: 20000, to: 20100 }, proxyPorts: { shop-web: 8080 } }\n';
    expect(parseAccounts(text, '/etc/gantry/accounts.yaml')).toEqual([
      { name: 'here', provider: 'local', dataDir: '/etc/gantry/data', portRange: { from: 20000, to: 20100 }, proxyPorts: { 'shop-web': 8080 } },
    ]);
    expect(() => parseAccounts('accounts:\n  - { name: l, provider: local, portRange: { from: 9, to: 8 } }\n', 'f.yaml')).toThrow(/accounts\[0\]\.portRange\.from: from must not be above to/);
    expect(() => parseAccounts('accounts:\n  - { name: l, provider: local, proxyPorts: { a: 70000 } }\n', 'f.yaml')).toThrow(/accounts\[0\]\.proxyPorts\.a/);
    expect(() => parseAccounts('accounts:\n  - { name: l, provider: local, datadir: x }\n', 'f.yaml')).toThrow(/datadir/);
  });
});
