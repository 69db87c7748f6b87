import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';
import { ensureAdminToken } from './adminToken';

const quiet = { info: () => undefined, warn: () => undefined };

describe('browser sessions and the first admin token', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;
  const noToken = { authorization: undefined as unknown as string };

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new AuthStore(database.db.pool);
    app = buildTestServer(database, { auth: { mode: 'on', store } });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('signs in with a pasted API token: an httpOnly SameSite cookie the API accepts like a bearer; writes need the CSRF header', async () => {
    const { token } = await store.createToken({ name: 'ana', roles: ['admin'], createdBy: 'test' });
    expect((await app.inject({ method: 'POST', url: '/auth/session', headers: { ...noToken, 'content-type': 'application/json' }, payload: JSON.stringify({ token: 'gantry_wrong' }) })).statusCode).toBe(401);
    const signIn = await app.inject({ method: 'POST', url: '/auth/session', headers: { ...noToken, 'content-type': 'application/json' }, payload: JSON.stringify({ token }) });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json()).toEqual({ name: 'ana', roles: ['admin'] });
    const setCookies = [signIn.headers['set-cookie']].flat().map(String);
    const session = setCookies.find((cookie) => cookie.startsWith('gantry_session='));
    expect(session).toMatch(/; HttpOnly; Path=\/; SameSite=Lax; Max-Age=\d+/);
    const csrf = /^gantry_csrf=([^;]+)/.exec(setCookies.find((cookie) => cookie.startsWith('gantry_csrf=')) ?? '')?.[1];
    expect(csrf).toBeTruthy();
    const cookie = `gantry_session=${encodeURIComponent(token)}; gantry_csrf=${csrf}`;

    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...noToken, cookie } });
    expect(me.json()).toMatchObject({ name: 'ana', admin: true });

    const body = JSON.stringify({ application: 'shop', name: 'from-browser', stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] });
    const forged = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: { ...noToken, cookie, 'content-type': 'application/json' }, payload: body });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('x-csrf-token') } });
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: { ...noToken, cookie, 'content-type': 'application/json', 'x-csrf-token': 'guess' }, payload: body });
    expect(wrong.statusCode).toBe(403);
    const saved = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: { ...noToken, cookie, 'content-type': 'application/json', 'x-csrf-token': String(csrf) }, payload: body });
    expect(saved.statusCode, saved.body).toBe(201);

    const signOut = await app.inject({ method: 'DELETE', url: '/auth/session', headers: { ...noToken, cookie } });
    expect([signOut.headers['set-cookie']].flat().map(String)).toEqual(['gantry_session=; Path=/; Max-Age=0', 'gantry_csrf=; Path=/; Max-Age=0']);
  });

  it('a revoked or expired token stops working at once', async () => {
    const { token, view } = await store.createToken({ name: 'short', roles: [], createdBy: 'test' });
    const me = () => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect((await me()).statusCode).toBe(200);
    const listed = (await store.listTokens()).find((t) => t.id === view.id);
    expect(listed?.lastUsedAt).not.toBeNull();
    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${view.id}` });
    expect(revoked.json()).toMatchObject({ id: view.id, revokedAt: expect.any(String) });
    expect((await me()).statusCode).toBe(401);

    const expired = await store.createToken({ name: 'expired', roles: [], createdBy: 'test', expiresAt: new Date(Date.now() - 1000) });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${expired.token}` } })).statusCode).toBe(401);
  });

  it('creates a token through the API, shown once and stored hashed', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'ci', roles: ['deployers'] }) });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json<{ token: string; id: string }>();
    expect(token).toMatch(/^gantry_[\w-]{43}$/);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/tokens' });
    expect(listed.body).not.toContain(token);
    const { rows } = await database.db.pool.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('first start writes an admin token to the data dir (mode 0600) once; GANTRY_ADMIN_TOKEN sets one instead', async () => {
    const fresh = await createTestDatabase();
    try {
      const freshStore = new AuthStore(fresh.db.pool);
      const dataDir = join(mkdtempSync(join(tmpdir(), 'gantry-auth-')), 'data');
      await ensureAdminToken(freshStore, { dataDir }, quiet);
      const path = join(dataDir, 'admin-token');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const written = readFileSync(path, 'utf8').trim();
      expect(await freshStore.useToken(written)).toMatchObject({ name: 'admin', roles: ['admin'] });
      await ensureAdminToken(freshStore, { dataDir }, quiet);
      expect(readFileSync(path, 'utf8').trim()).toBe(written);

      const chosen = 'operator-chosen-admin-token-0123456789';
      await ensureAdminToken(freshStore, { dataDir, adminToken: chosen }, quiet);
      expect(await freshStore.useToken(chosen)).toMatchObject({ roles: ['admin'] });
    } finally {
      await fresh.drop();
    }
  });
});
