import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/testDatabase';
import { buildTestServer } from '../../testSupport';

/** The page and its assets, open to anyone; every UI path opens the page; the API keeps its own 404s. */
describe('the web UI routes', () => {
  let database: TestDatabase;
  let dist: string;
  let app: FastifyInstance;
  const script = 'console.log("gantry ui");'.repeat(50);
  const anonymous = { authorization: undefined } as unknown as Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dist = await mkdtemp(join(tmpdir(), 'gantry-ui-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<meta name="gantry-oidc-login" content="%GANTRY_OIDC_LOGIN%"><script type="module" src="/assets/index-abc.js"></script>');
    await writeFile(join(dist, 'assets', 'index-abc.js'), script);
    await writeFile(join(dist, 'assets', 'index-abc.js.gz'), gzipSync(script));
    await writeFile(join(dist, 'assets', 'index-abc.js.br'), brotliCompressSync(script));
    app = buildTestServer(database, { uiDistDir: dist });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
    await rm(dist, { recursive: true, force: true });
  });

  it.each(['/', '/applications', '/applications/shop/pipelines', '/applications/shop/executions/0b0c2a4e-7d3c-4f7e-9a52-1b1f0d0e0f00?stage=deploy'])(
    'answers %s with the page, without credentials, never cached, under the CSP',
    async (url) => {
      const response = await app.inject({ url, headers: anonymous });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toContain('<meta name="gantry-oidc-login" content="off">');
    },
  );

  it('sends an asset pre-compressed to a browser that accepts it, cached for good, and plain to one that does not', async () => {
    const brotli = await app.inject({ url: '/assets/index-abc.js', headers: { ...anonymous, 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.statusCode).toBe(200);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['cache-control']).toContain('immutable');
    expect(brotli.rawPayload.length).toBeLessThan(script.length);
    const plain = await app.inject({ url: '/assets/index-abc.js', headers: anonymous });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('answers an unknown asset, a path outside the UI and a traversal in the error shape', async () => {
    for (const url of ['/assets/missing.js', '/nothing-here', '/api/v1/nothing-here', '/assets/../index.html', '/assets/%2e%2e/%2e%2e/package.json']) {
      const response = await app.inject({ url, headers: anonymous });
      expect([403, 404], url).toContain(response.statusCode);
      expect(response.json(), url).toMatchObject({ error: { code: expect.any(String) } });
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const unbuilt = buildTestServer(database, { uiDistDir: join(dist, 'missing') });
    const response = await unbuilt.inject({ url: '/', headers: anonymous });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('npm run build:ui') } });
    await unbuilt.close();
  });
});
