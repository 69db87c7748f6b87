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

  it('masks passwords in URLs it prints', () => {
    expect(redactUrl('postgresql://gantry:secret@db:5432/gantry')).toBe('postgresql://gantry:***@db:5432/gantry');
  });
});
