import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    // No URLs: embedded PostgreSQL and the PostgreSQL queue backend.
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.dataDir).toBe('./.gantry/data');
    expect(config.queueSchema).toBe('bullmq');
    expect(config.port).toBe(8084);
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

  it('masks passwords in URLs it prints', () => {
    expect(redactUrl('postgresql://gantry:secret@db:5432/gantry')).toBe('postgresql://gantry:***@db:5432/gantry');
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
