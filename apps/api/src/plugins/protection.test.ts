import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import type { MessageBus } from '@gantry/queue';
import { asUser, buildTestServer, storeTestToken, testAuth } from '../testSupport';

/** Rate limiting (@fastify/rate-limit) and security headers (@fastify/helmet) on the real server. */

const quietBus: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

// A long window keeps a slow machine from refilling a budget in the middle of a test.
async function server(perPrincipal: number, perAddress: number, windowMs = 60_000): Promise<FastifyInstance> {
  const app = buildTestServer(database, { auth: { mode: 'off' }, rateLimits: { perPrincipal, perAddress, windowMs }, triggers: { pool: database.db.pool }, bus: quietBus });
  await app.ready();
  return app;
}

// Authentication is off here: a request carries the credentials the test gives it, or none.
const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}, remoteAddress = '10.0.0.1') =>
  app.inject({ method: 'GET', url, headers: { authorization: undefined, ...headers }, remoteAddress });

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a source address is over its budget; other addresses and the probes carry on', async () => {
    const app = await server(100, 3);
    for (let i = 0; i < 3; i++) expect((await get(app, '/api/v1/pipelines')).statusCode).toBe(200);
    const refused = await get(app, '/api/v1/pipelines');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toEqual({
      error: { code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^Too many requests: more than 3 per 60000 ms from this source address; retry in/), details: {} },
    });
    expect((await get(app, '/api/v1/pipelines', {}, '10.0.0.2')).statusCode).toBe(200);
    expect((await get(app, '/healthz')).statusCode).toBe(200);
    expect((await get(app, '/readyz')).statusCode).not.toBe(429);
    await app.close();
  });

  it('with authentication on, counts the principal, not the credential: two tokens of one user share a budget', async () => {
    const auth = testAuth(database);
    await storeTestToken(auth.store, 'carol');
    await auth.store.ensureToken('gantry_second_token_of_carol', { name: 'carol', roles: ['admin'], createdBy: 'test' });
    const app = buildTestServer(database, { auth, rateLimits: { perPrincipal: 2, perAddress: 100, windowMs: 60_000 }, triggers: { pool: database.db.pool }, bus: quietBus });
    await app.ready();
    expect((await get(app, '/api/v1/pipelines', asUser('carol'))).statusCode).toBe(200);
    expect((await get(app, '/api/v1/pipelines', { authorization: 'Bearer gantry_second_token_of_carol' })).statusCode).toBe(200);
    const refused = await get(app, '/api/v1/pipelines', asUser('carol'));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/from this principal/);
    await app.close();
  });

  it('counts each principal on its own, apart from its address', async () => {
    const app = await server(2, 1);
    const alice = { authorization: 'Bearer alice-token' };
    const bob = { authorization: 'Bearer bob-token' };
    expect((await get(app, '/api/v1/pipelines', alice)).statusCode).toBe(200);
    expect((await get(app, '/api/v1/pipelines', alice)).statusCode).toBe(200);
    const refused = await get(app, '/api/v1/pipelines', alice);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/more than 2 per 60000 ms from this principal/);
    expect((await get(app, '/api/v1/pipelines', bob)).statusCode).toBe(200);
    expect((await get(app, '/api/v1/pipelines')).statusCode).toBe(200);
    expect((await get(app, '/api/v1/pipelines')).statusCode).toBe(429);
    await app.close();
  });

  it('limits the webhook endpoints too, and the budget comes back after the window', async () => {
    const app = await server(100, 2, 1000);
    const post = () =>
      app.inject({ method: 'POST', url: '/api/v1/webhooks/ci', headers: { 'content-type': 'application/json', authorization: undefined }, payload: '{}', remoteAddress: '10.0.0.9' });
    const first = await post();
    expect(first.statusCode, first.body).toBeLessThan(400);
    expect((await post()).statusCode).toBeLessThan(400);
    const refused = await post();
    expect(refused.statusCode).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers['retry-after']) * 1000 + 50));
    expect((await post()).statusCode).toBeLessThan(400);
    await app.close();
  });

  it('is off with 0', async () => {
    const app = await server(0, 0);
    for (let i = 0; i < 20; i++) expect((await get(app, '/api/v1/pipelines')).statusCode).toBe(200);
    await app.close();
  });
});

describe('security headers', () => {
  it('sends a Content-Security-Policy, nosniff and frame denial on API answers', async () => {
    const app = await server(0, 0);
    const response = await get(app, '/api/v1/pipelines');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Plain-HTTP deployments must not be sent to an https:// that does not exist.
    expect(csp).not.toContain('upgrade-insecure-requests');
    await app.close();
  });

  it('keeps /docs loadable: the page, every script and stylesheet it names (same origin, no inline script) and the document it loads', async () => {
    const app = await server(0, 0);
    let page = await get(app, '/docs');
    if (page.statusCode === 302) page = await get(app, new URL(String(page.headers.location), 'http://localhost/docs').pathname);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    const html = page.body;
    // Inline scripts would be blocked by script-src 'self': the UI must not depend on any.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/g) ?? []).toEqual([]);
    const assets = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset, `${asset} is same-origin`).not.toMatch(/^(https?:)?\/\//);
      const response = await get(app, new URL(asset, 'http://localhost/docs/').pathname);
      expect(response.statusCode, asset).toBe(200);
    }
    const initializer = await get(app, '/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
    const json = await get(app, '/docs/json');
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ openapi: '3.1.0' });
    await app.close();
  });
});
