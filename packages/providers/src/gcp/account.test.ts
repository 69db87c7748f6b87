import { describe, expect, it } from 'vitest';
import { parseAccounts } from '../accounts';
import type { GcpAccountConfig } from './account';
import { clientOptions } from './connection';

function gcp(yaml: string): GcpAccountConfig {
  const [account] = parseAccounts(`accounts:\n${yaml}`, '/etc/gantry/accounts.yaml');
  if (account?.provider !== 'gcp') throw new Error('not a gcp account');
  return account;
}

describe('gcp accounts', () => {
  it('reads regions as names or {name, zones}, and anchors key files at the accounts file', () => {
    const account = gcp(`  - name: gcp-prod
    provider: gcp
    project: my-project-123
    regions: [us-central1, { name: europe-west4, zones: [europe-west4-a] }]
    credentials: { keyFile: keys/gantry.json }
    network: shared-vpc
    defaultMachineType: e2-medium
`);
    expect(account.regions).toEqual([{ name: 'us-central1' }, { name: 'europe-west4', zones: ['europe-west4-a'] }]);
    expect(account.credentials).toEqual({ keyFile: '/etc/gantry/keys/gantry.json' });
    expect(clientOptions(account, {})).toEqual({ projectId: 'my-project-123', keyFilename: '/etc/gantry/keys/gantry.json' });
  });

  it.each([
    ['project: x\n    regions: [us-central1]', 'project'],
    ['project: my-project\n    regions: []', 'regions'],
    ['project: my-project', 'regions: required'],
    ['project: my-project\n    regions: [{ name: us-central1, zones: [europe-west4-a] }]', 'zone europe-west4-a is not in region us-central1'],
    ['project: my-project\n    regions: [us-central1]\n    credentials: "{\\"private_key\\": \\"x\\"}"', 'never the key itself'],
    ['project: my-project\n    regions: [us-central1]\n    zone: us-central1-a', 'zone'],
  ])('rejects %j naming %s', (fields, message) => {
    expect(() => gcp(`  - name: g\n    provider: gcp\n    ${fields}\n`)).toThrow(message);
  });

  it('points the client at an endpoint: host, port and protocol apart, no token without credentials', () => {
    const account = gcp('  - name: fake\n    provider: gcp\n    project: gantry-test\n    regions: [us-central1]\n    endpoint: http://127.0.0.1:8085\n');
    const options = clientOptions(account, {});
    expect(options).toMatchObject({ projectId: 'gantry-test', apiEndpoint: '127.0.0.1', port: 8085, protocol: 'http' });
    expect(options.authClient?.constructor.name).toBe('PassThroughClient');
  });

  it('reads a service account key from the environment variable the account names', () => {
    const account = gcp('  - name: g\n    provider: gcp\n    project: my-project\n    regions: [us-central1]\n    credentials: { env: GCP_KEY }\n');
    const key = { type: 'service_account', client_email: 'gantry@my-project.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\n' };
    expect(clientOptions(account, { GCP_KEY: JSON.stringify(key) }).credentials).toEqual({ client_email: key.client_email, private_key: key.private_key });
    expect(() => clientOptions(account, { GCP_KEY: 'not json' })).toThrow('does not hold JSON');
  });
});
