import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectJson, useTestServer } from '../../testSupport';

/** Kayenta's own canary config documents (test/fixtures/kayenta/SOURCES), stored and read back as they are. */
const FIXTURES = join(__dirname, '../../../../../test/fixtures/kayenta');
const kayentaDocument = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
/** Kayenta's ad-hoc documents name no application; a stored one must (Kayenta stores them under one too). */
const withApplications = (file: string, applications: string[]): Record<string, unknown> => ({ ...kayentaDocument(file), applications });

const server = useTestServer();

const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => injectJson(server.app, method, url, body);
const issuePaths = (body: { error: { details: { issues: { pathString: string }[] } } }) => body.error.details.issues.map((issue) => issue.pathString);

describe('/api/v1/canaryConfigs', () => {
  it("stores Kayenta's config as sent (the same JSON value), versions it on save, lists it by application and deletes it", async () => {
    const document = withApplications('prometheus-integration-test-cpu.json', ['shop']);
    const created = await send('POST', '/api/v1/canaryConfigs', document);
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(created.json()).toMatchObject({ name: 'integration-test-canary-config', applications: ['shop'], version: 1, document });

    const changed = { ...document, applications: ['shop', 'web'], description: 'second' };
    const updated = await send('PUT', `/api/v1/canaryConfigs/${id}?expectedVersion=1`, changed);
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ version: 2, applications: ['shop', 'web'], document: changed });
    expect((await send('PUT', `/api/v1/canaryConfigs/${id}?expectedVersion=1`, changed)).statusCode).toBe(409);

    const versions = (await send('GET', `/api/v1/canaryConfigs/${id}/versions`)).json<{ versions: { version: number; document: unknown; createdBy: string }[] }>();
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions.versions[1]).toMatchObject({ document, createdBy: 'test-admin' });
    expect((await send('GET', `/api/v1/canaryConfigs/${id}/versions/1`)).json()).toMatchObject({ version: 1, document });
    expect((await send('GET', `/api/v1/canaryConfigs/${id}/versions/3`)).statusCode).toBe(404);

    await send('POST', '/api/v1/canaryConfigs', withApplications('scratch-newrelic.json', ['billing']));
    const names = async (query: string) =>
      (await send('GET', `/api/v1/canaryConfigs${query}`)).json<{ canaryConfigs: { name: string }[] }>().canaryConfigs.map((c) => c.name);
    expect(await names('?application=web')).toEqual(['integration-test-canary-config']);
    expect(await names('?application=billing')).toEqual(['MySampleNewrelicCanaryConfig']);
    expect(await names('')).toEqual(['MySampleNewrelicCanaryConfig', 'integration-test-canary-config']);

    expect((await send('DELETE', `/api/v1/canaryConfigs/${id}`)).statusCode).toBe(204);
    expect((await send('GET', `/api/v1/canaryConfigs/${id}`)).statusCode).toBe(404);
    expect((await send('DELETE', `/api/v1/canaryConfigs/${id}`)).statusCode).toBe(404);
    // The name is free again once the config is deleted.
    expect((await send('POST', '/api/v1/canaryConfigs', document)).statusCode).toBe(201);
  });

  it('refuses a second config with the same name (409), as Kayenta does', async () => {
    const document = { ...withApplications('prometheus-muted-metric.json', ['shop']), name: 'muted-once' };
    expect((await send('POST', '/api/v1/canaryConfigs', document)).statusCode).toBe(201);
    const again = await send('POST', '/api/v1/canaryConfigs', document);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'CONFLICT', message: "a canary config named 'muted-once' already exists" } });
  });

  it('answers 400 naming the field: no applications, a duplicated metric, a misspelt direction', async () => {
    const noApplications = await send('POST', '/api/v1/canaryConfigs', kayentaDocument('scratch-prometheus.json'));
    expect(noApplications.statusCode).toBe(400);
    expect(issuePaths(noApplications.json())).toEqual(['applications']);

    const duplicated = kayentaDocument('web-duplicated-metric-name.json') as { metrics: Record<string, unknown>[] };
    for (const metric of duplicated.metrics) metric.query = { type: 'prometheus', metricName: 'mem' };
    const twice = await send('POST', '/api/v1/canaryConfigs', duplicated);
    expect(twice.statusCode).toBe(400);
    expect(issuePaths(twice.json())).toEqual(['metrics.1.name']);

    const misspelt = withApplications('prometheus-integration-test-cpu.json', ['shop']) as { metrics: { analysisConfigurations: { canary: Record<string, unknown> } }[] };
    misspelt.metrics[0]!.analysisConfigurations.canary.direction = 'up';
    const bad = await send('POST', '/api/v1/canaryConfigs', misspelt);
    expect(bad.statusCode).toBe(400);
    expect(issuePaths(bad.json())).toEqual(['metrics.0.analysisConfigurations.canary.direction']);

    expect((await send('GET', '/api/v1/canaryConfigs/not-a-uuid')).statusCode).toBe(400);
  });
});
