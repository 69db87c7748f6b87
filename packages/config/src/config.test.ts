import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, adminTokenPath, driftSettingsOf, loadConfig, localApiToken, redactUrl } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    // No URLs: embedded PostgreSQL and the PostgreSQL queue backend.
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.dataDir).toBe('./.gantry/data');
    expect(config.queueSchema).toBe('bullmq');
    expect(config.port).toBe(8084);
    expect(config.rateLimitPerPrincipal).toBe(50);
    expect(config.rateLimitPerAddress).toBe(50);
  });

  it('lets the environment override the YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-config-'));
    const file = join(dir, 'gantry.yaml');
    writeFileSync(file, 'port: 9000\nwebhookAllowedHosts: [metadata.internal]\nlogLevel: warn\n');
    const config = loadConfig({ GANTRY_CONFIG_FILE: file, LOG_LEVEL: 'debug' });
    expect(config.port).toBe(9000);
    expect(config.logLevel).toBe('debug');
    expect(config.webhookAllowedHosts).toEqual(['metadata.internal']);
  });

  it('names the setting that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres: or postgresql: URL/);
    expect(() => loadConfig({ GANTRY_CONFIG_FILE: '/nonexistent/gantry.yaml' })).toThrow(/GANTRY_CONFIG_FILE: cannot read/);
  });

  it('listens on loopback by default with authentication on; elsewhere only with authentication', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', auth: 'on' });
    expect(loadConfig({ HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', auth: 'on' });
    expect(loadConfig({ GANTRY_AUTH: 'off' })).toMatchObject({ auth: 'off' });
    expect(() => loadConfig({ HOST: '0.0.0.0', GANTRY_AUTH: 'off' })).toThrow(/^HOST=0\.0\.0\.0 is reachable from other machines: it needs authentication \(GANTRY_AUTH=on/);
    expect(() => loadConfig({ HOST: '::', GANTRY_AUTH: 'off' })).toThrow(/HOST=::/);
    expect(() => loadConfig({ GANTRY_AUTH: 'off', GANTRY_ADMIN_TOKEN: 'x'.repeat(32) })).toThrow(/GANTRY_AUTH=off contradicts GANTRY_ADMIN_TOKEN/);
    expect(() => loadConfig({ GANTRY_ADMIN_TOKEN: 'short' })).toThrow(/GANTRY_ADMIN_TOKEN: must be at least 20 characters/);
    expect(() => loadConfig({ GANTRY_OIDC_ISSUER: 'https://sso.example.com' })).toThrow(/GANTRY_OIDC_ISSUER needs GANTRY_OIDC_AUDIENCE/);
  });

  it('finds the local API token: GANTRY_TOKEN, else the admin token file in GANTRY_DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-token-'));
    expect(localApiToken({ GANTRY_DATA_DIR: dir })).toBeUndefined();
    writeFileSync(adminTokenPath(dir), 'gantry_from-file\n');
    expect(localApiToken({ GANTRY_DATA_DIR: dir })).toBe('gantry_from-file');
    expect(localApiToken({ GANTRY_DATA_DIR: dir, GANTRY_TOKEN: 'gantry_from-env' })).toBe('gantry_from-env');
  });

  it('masks passwords in URLs it prints', () => {
    expect(redactUrl('postgresql://gantry:secret@db:5432/gantry')).toBe('postgresql://gantry:***@db:5432/gantry');
  });
});

describe('metricsAccounts', () => {
  it('reads Prometheus, Datadog (default address) and New Relic accounts, secrets by name', () => {
    const config = loadConfig({
      GANTRY_METRICS_ACCOUNTS:
        '{"prom": {"type": "prometheus", "address": "http://prometheus:9090"}, "dd": {"type": "datadog", "apiKeySecret": "dd-api", "applicationKeySecret": "dd-app"}, "nr": {"type": "newrelic", "apiKeySecret": "nr", "accountId": "123"}}',
    });
    expect(config.metricsAccounts).toEqual({
      prom: { type: 'prometheus', address: 'http://prometheus:9090' },
      dd: { type: 'datadog', address: 'https://api.datadoghq.com', apiKeySecret: 'dd-api', applicationKeySecret: 'dd-app' },
      nr: { type: 'newrelic', address: 'https://insights-api.newrelic.com', apiKeySecret: 'nr', accountId: '123' },
    });
  });

  it('refuses a key given as a value instead of a secret name, naming the field', () => {
    expect(() => loadConfig({ GANTRY_METRICS_ACCOUNTS: '{"dd": {"type": "datadog", "apiKey": "abc", "apiKeySecret": "x", "applicationKeySecret": "y"}}' })).toThrow(/GANTRY_METRICS_ACCOUNTS.*apiKey/);
  });
});

describe('jenkinsMasters', () => {
  it('are none by default, read as JSON from GANTRY_JENKINS_MASTERS, the API token only by secret name', () => {
    expect(loadConfig({}).jenkinsMasters).toEqual({});
    const config = loadConfig({ GANTRY_JENKINS_MASTERS: '{"ci": {"address": "https://jenkins.example.com", "username": "spinnaker", "apiTokenSecret": "jenkins-ci-api"}}' });
    expect(config.jenkinsMasters).toEqual({ ci: { address: 'https://jenkins.example.com', username: 'spinnaker', apiTokenSecret: 'jenkins-ci-api' } });
    expect(() => loadConfig({ GANTRY_JENKINS_MASTERS: '{"ci": {"address": "https://j", "apiToken": "11aa"}}' })).toThrow(/GANTRY_JENKINS_MASTERS/);
    expect(() => loadConfig({ GANTRY_JENKINS_MASTERS: '{"ci": {"address": "ftp://j"}}' })).toThrow(/GANTRY_JENKINS_MASTERS: ci\.address: must be a https: or http: URL/);
  });
});

describe('artifactAccounts', () => {
  it('are none but the built-in two by default, read as JSON from GANTRY_ARTIFACT_ACCOUNTS, credentials only by secret name', () => {
    expect(loadConfig({}).artifactAccounts).toEqual({});
    const config = loadConfig({ GANTRY_ARTIFACT_ACCOUNTS: '{"charts": {"type": "helm", "repository": "oci://ghcr.io/acme", "username": "robot", "passwordSecret": "ghcr"}, "repos": {"type": "gitRepo", "tokenSecret": "gh"}}' });
    expect(config.artifactAccounts).toEqual({ charts: { type: 'helm', repository: 'oci://ghcr.io/acme', plainHttp: false, username: 'robot', passwordSecret: 'ghcr' }, repos: { type: 'gitRepo', tokenSecret: 'gh' } });
    expect(() => loadConfig({ GANTRY_ARTIFACT_ACCOUNTS: '{"files": {"type": "http", "password": "in clear"}}' })).toThrow(/GANTRY_ARTIFACT_ACCOUNTS: files: Unrecognized key: "password"/);
    expect(() => loadConfig({ GANTRY_ARTIFACT_ACCOUNTS: '{"charts": {"type": "helm", "repository": "charts.example.com"}}' })).toThrow(/GANTRY_ARTIFACT_ACCOUNTS: charts\.repository: must be an http\(s\):\/\/ chart repository or an oci:\/\/ registry path/);
    expect(() => loadConfig({ GANTRY_ARTIFACT_ACCOUNTS: '{"s3": {"type": "s3"}}' })).toThrow(/GANTRY_ARTIFACT_ACCOUNTS: s3\.type: type is http, github, gitlab, helm or gitRepo/);
    expect(() => loadConfig({ GANTRY_ARTIFACT_ACCOUNTS: '{"embedded-artifact": {"type": "http"}}' })).toThrow(/embedded-artifact is built in and cannot be configured/);
  });
});

describe('dockerRegistries', () => {
  it('are none by default, read as JSON from GANTRY_DOCKER_REGISTRIES, the password only by secret name', () => {
    expect(loadConfig({}).dockerRegistries).toEqual({});
    const config = loadConfig({ GANTRY_DOCKER_REGISTRIES: '{"quay": {"address": "https://quay.io", "username": "robot", "passwordSecret": "quay-robot"}}' });
    expect(config.dockerRegistries).toEqual({ quay: { address: 'https://quay.io', username: 'robot', passwordSecret: 'quay-robot', pollIntervalSeconds: 60 } });
    expect(() => loadConfig({ GANTRY_DOCKER_REGISTRIES: '{"quay": {"address": "https://quay.io", "password": "in clear"}}' })).toThrow(/GANTRY_DOCKER_REGISTRIES: quay: Unrecognized key: "password"/);
    expect(() => loadConfig({ GANTRY_DOCKER_REGISTRIES: '{"quay": {"address": "quay.io"}}' })).toThrow(/GANTRY_DOCKER_REGISTRIES: quay\.address: must be a https: or http: URL/);
  });
});

describe('deployPolicy', () => {
  it('is empty by default, and read from the YAML file or GANTRY_DEPLOY_POLICY', () => {
    expect(loadConfig({}).deployPolicy).toEqual({ trafficGuards: {}, freezeWindows: [], rules: [] });
    const dir = mkdtempSync(join(tmpdir(), 'gantry-config-'));
    const file = join(dir, 'gantry.yaml');
    writeFileSync(
      file,
      'deployPolicy:\n  trafficGuards:\n    shop: [{account: k8s-prod, stack: prod}]\n  freezeWindows:\n    - {name: nights, accounts: [k8s-prod], weekly: [{days: [fri], start: "22:00", end: "06:00"}]}\n',
    );
    const fromFile = loadConfig({ GANTRY_CONFIG_FILE: file }).deployPolicy;
    expect(fromFile.trafficGuards.shop).toEqual([{ account: 'k8s-prod', location: '*', stack: 'prod', detail: '*', enabled: true }]);
    expect(fromFile.freezeWindows[0]).toMatchObject({ name: 'nights', timeZone: 'UTC', action: 'wait' });
    const fromEnv = loadConfig({ GANTRY_DEPLOY_POLICY: JSON.stringify({ rules: [{ name: 'r', expression: 'true', message: 'm' }] }) });
    expect(fromEnv.deployPolicy.rules).toEqual([{ name: 'r', expression: 'true', message: 'm' }]);
  });

  it('names the setting and the place inside it that is wrong', () => {
    expect(() => loadConfig({ GANTRY_DEPLOY_POLICY: JSON.stringify({ freezeWindows: [{ name: 'x', accounts: ['a'], timeZone: 'Nowhere', ranges: [] }] }) })).toThrow(
      /GANTRY_DEPLOY_POLICY: freezeWindows\.0\.timeZone: an IANA time zone/,
    );
    expect(() => loadConfig({ GANTRY_DEPLOY_POLICY: JSON.stringify({ rules: [{ name: 'r', expression: 'stages.size() >', message: 'm' }] }) })).toThrow(
      /GANTRY_DEPLOY_POLICY: rules\.0\.expression: /,
    );
  });
});

describe('chaos monkey', () => {
  it('looks every 60 s by default; GANTRY_CHAOS_MONKEY_INTERVAL_SEC sets it, 0 turns it off, a negative is refused', () => {
    expect(loadConfig({}).chaosMonkeyIntervalSec).toBe(60);
    expect(loadConfig({ GANTRY_CHAOS_MONKEY_INTERVAL_SEC: '0' }).chaosMonkeyIntervalSec).toBe(0);
    expect(() => loadConfig({ GANTRY_CHAOS_MONKEY_INTERVAL_SEC: '-1' })).toThrow(/GANTRY_CHAOS_MONKEY_INTERVAL_SEC/);
  });
});

describe('drift', () => {
  it('checks every 60 s by default; GANTRY_DRIFT_INTERVAL_SEC, GANTRY_DRIFT_WATCHES and GANTRY_DRIFT_NOTIFICATIONS set it', () => {
    expect(driftSettingsOf(loadConfig({}))).toEqual({ intervalSeconds: 60, watches: [], notifications: [] });
    const config = loadConfig({
      GANTRY_DRIFT_INTERVAL_SEC: '5',
      GANTRY_DRIFT_WATCHES: JSON.stringify({ web: { url: 'file:///srv/git/deploy.git', path: 'k8s/web', account: 'k8s', namespace: 'prod', application: 'shop', passwordSecret: 'git_token' } }),
      GANTRY_DRIFT_NOTIFICATIONS: JSON.stringify([{ type: 'slack', address: '#ops' }]),
    });
    expect(driftSettingsOf(config)).toEqual({
      intervalSeconds: 5,
      watches: [{ name: 'web', url: 'file:///srv/git/deploy.git', branch: 'main', path: 'k8s/web', account: 'k8s', namespace: 'prod', application: 'shop', passwordSecret: 'git_token', notifications: [] }],
      notifications: [{ type: 'slack', address: '#ops' }],
    });
  });

  it('names the watch and the field that is wrong', () => {
    expect(() => loadConfig({ GANTRY_DRIFT_WATCHES: JSON.stringify({ web: { url: 'file:///x', account: 'k8s', application: 'shop' } }) })).toThrow(/GANTRY_DRIFT_WATCHES: web\.namespace: /);
    expect(() => loadConfig({ GANTRY_DRIFT_NOTIFICATIONS: JSON.stringify([{ type: 'pager', address: 'x' }]) })).toThrow(/GANTRY_DRIFT_NOTIFICATIONS: 0\.type: /);
  });
});
