import { describe, expect, it } from 'vitest';
import { parseAccounts } from '../accounts';

/** The aws account schema (./account.ts), as the accounts file reads it. */

describe('aws accounts', () => {
  it('accepts plain region names and Spinnaker-style region objects, normalised to objects', () => {
    const [account] = parseAccounts(
      `accounts:
  - name: aws-prod
    provider: aws
    accountId: "123456789012"
    regions:
      - us-east-1
      - name: eu-west-1
        subnetIds: [subnet-0a1b2c3d]
        securityGroupIds: [sg-0a1b2c3d]
    credentials: { accessKeyId: { env: AWS_KEY }, secretAccessKey: { env: AWS_SECRET }, sessionToken: { env: AWS_TOKEN } }
    endpoint: http://127.0.0.1:4566
    defaultInstanceType: m5.large
    maxAttempts: 2
`,
      'a.yaml',
    );
    expect(account).toEqual({
      name: 'aws-prod',
      provider: 'aws',
      accountId: '123456789012',
      regions: [{ name: 'us-east-1' }, { name: 'eu-west-1', subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] }],
      credentials: { accessKeyId: { env: 'AWS_KEY' }, secretAccessKey: { env: 'AWS_SECRET' }, sessionToken: { env: 'AWS_TOKEN' } },
      endpoint: 'http://127.0.0.1:4566',
      defaultInstanceType: 'm5.large',
      maxAttempts: 2,
    });
  });

  it.each([
    ['{ name: a, provider: aws }', /accounts\[0\]\.regions: required/],
    ['{ name: a, provider: aws, regions: [] }', /accounts\[0\]\.regions: list at least one region/],
    ['{ name: a, provider: aws, regions: [US-EAST-1] }', /accounts\[0\]\.regions\[0\]\.name: an AWS region such as us-east-1/],
    ['{ name: a, provider: aws, regions: [{ name: us-east-1, subnetIds: [net-1] }] }', /accounts\[0\]\.regions\[0\]\.subnetIds\[0\]: a subnet id/],
    ['{ name: a, provider: aws, regions: [us-east-1, us-east-1] }', /accounts\[0\]\.regions\[1\]: duplicate region us-east-1/],
    ['{ name: a, provider: aws, regions: [us-east-1], credentials: { accessKeyId: AKIA, secretAccessKey: { env: S } } }', /accounts\[0\]\.credentials\.accessKeyId: must be a reference/],
    ['{ name: a, provider: aws, regions: [us-east-1], endpoint: "ftp://x" }', /accounts\[0\]\.endpoint: must be an http or https URL/],
    ['{ name: a, provider: aws, regions: [us-east-1], assumeRole: x }', /assumeRole/],
  ])('refuses %s', (entry, problem) => {
    expect(() => parseAccounts(`accounts:\n  - ${entry}\n`, 'a.yaml')).toThrow(problem);
  });
});
