import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '@gantry/store';
import { OIDC_CLIENT_ID as CLIENT_ID, reservePublicUrl, startOidcProvider } from '../../../../test/support/oidcProvider';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';
import { OidcVerifier } from './oidc';

const GROUPS: Record<string, string[]> = { ana: ['shop-ops'] };

/** What a browser keeps per site: its cookies (names are distinct enough here to ignore paths). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A browser: follows redirects by hand (to keep each site's cookies), fills the provider's login and consent forms. */
async function browse(startUrl: string, gantryOrigin: string, login: string): Promise<{ gantry: CookieJar; landedOn: string }> {
  const jars = new Map<string, CookieJar>();
  const jarOf = (url: URL) => jars.get(url.origin) ?? (jars.set(url.origin, new CookieJar()), jars.get(url.origin)!);
  let url = new URL(startUrl);
  let init: RequestInit = {};
  for (let step = 0; step < 20; step++) {
    const jar = jarOf(url);
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      url = new URL(location, url);
      init = {};
      if (url.origin === gantryOrigin && !url.pathname.startsWith('/auth/')) return { gantry: jarOf(url), landedOn: `${url.pathname}${url.search}` };
      continue;
    }
    const html = await response.text();
    expect(response.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`no form to submit at ${url.toString()}: ${html.slice(0, 500)}`);
    const form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) form.set(name!, value!);
    if (html.includes('name="login"')) form.set('login', login);
    if (html.includes('name="password"')) form.set('password', 'any');
    url = new URL(action, url);
    init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the sign-in did not come back to Gantry in 20 steps');
}

/**
 * The browser sign-in, end to end: Gantry's /auth/login sends the browser to a real OpenID
 * provider (the `oidc-provider` package, its development login page), the user signs in and
 * consents, the provider redirects to /auth/callback with a code, Gantry redeems it with its PKCE
 * verifier and sets the session cookie; the API then takes the cookie like a bearer token.
 */
describe('OIDC browser sign-in (authorization code + PKCE) against a real OpenID provider', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let provider: { issuer: string; server: Server };
  let base: string;
  let pipelineBody: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const store = new AuthStore(database.db.pool);
    await store.setRoleGrants('shop-ops', [{ kind: 'application', name: 'shop', actions: ['WRITE', 'EXECUTE'] }], 'test');
    // The redirect URI must be registered with the provider before Gantry knows the provider: take a port first.
    const { url, port } = await reservePublicUrl();
    base = url;
    provider = await startOidcProvider(`${base}/auth/callback`, GROUPS);
    const oidc = new OidcVerifier({ issuer: provider.issuer, audience: CLIENT_ID, groupsClaim: 'groups', clientId: CLIENT_ID });
    app = buildTestServer(database, { auth: { mode: 'on', store, oidc }, publicUrl: base });
    await app.listen({ port, host: '127.0.0.1' });
    pipelineBody = JSON.stringify({ application: 'shop', name: 'from-the-browser', stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] });
  });
  afterAll(async () => {
    await app?.close();
    provider?.server.close();
    await database?.drop();
  });

  it('signs in through the provider, gets an httpOnly session cookie, is known to /api/v1/me by its groups, and writes with the CSRF header', async () => {
    const { gantry, landedOn } = await browse(`${base}/auth/login`, base, 'ana');
    expect(landedOn).toBe('/');
    const session = gantry.get('gantry_session');
    const csrf = gantry.get('gantry_csrf');
    expect(session).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(csrf).toBeTruthy();
    // The PKCE verifier's cookie is gone once used.
    expect(gantry.get('gantry_oidc')).toBeUndefined();

    const cookie = gantry.header();
    const me = await fetch(`${base}/api/v1/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'ana', roles: ['shop-ops'], via: 'oidc', admin: false });

    const post = (headers: Record<string, string>) => fetch(`${base}/api/v1/pipelines`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: pipelineBody });
    const forged = await post({});
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { missing: 'csrf' } } });
    const saved = await post({ 'x-csrf-token': String(csrf) });
    expect(saved.status, await saved.clone().text()).toBe(201);
    expect(await saved.json()).toMatchObject({ application: 'shop', name: 'from-the-browser' });
    // What ana's groups do not grant stays refused.
    const elsewhere = await fetch(`${base}/api/v1/pipelines`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': String(csrf) },
      body: JSON.stringify({ application: 'billing', name: 'x', stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] }),
    });
    expect(elsewhere.status).toBe(403);
  });

  it('brings the browser back to the page that asked for the sign-in, and only to a path of this server', async () => {
    const shared = '/applications/shop/executions/0b3e?stage=deploy';
    expect((await browse(`${base}/auth/login?returnTo=${encodeURIComponent(shared)}`, base, 'ana')).landedOn).toBe(shared);
    for (const elsewhere of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const refused = await fetch(`${base}/auth/login?returnTo=${encodeURIComponent(elsewhere)}`, { redirect: 'manual' });
      expect(refused.status, elsewhere).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { details: { issues: [{ path: ['returnTo'] }] } } });
    }
  });

  it('refuses a callback that did not start at /auth/login (state mismatch), and a forged code', async () => {
    const noState = await fetch(`${base}/auth/callback?code=made-up&state=made-up`, { redirect: 'manual' });
    expect(noState.status).toBe(401);
    expect(await noState.json()).toMatchObject({ error: { message: expect.stringContaining('state mismatch') } });

    const login = await fetch(`${base}/auth/login`, { redirect: 'manual' });
    const state = new URL(String(login.headers.get('location'))).searchParams.get('state');
    const started = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const forged = await fetch(`${base}/auth/callback?code=made-up&state=${state}`, { redirect: 'manual', headers: { cookie: started } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { message: expect.stringContaining('the OIDC provider refused the sign-in: invalid_grant') } });
  });
});
