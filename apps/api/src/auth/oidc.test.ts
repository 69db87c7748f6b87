import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';
import { OidcVerifier } from './oidc';

const GANTRY_RESOURCE = 'https://gantry.test';

/**
 * A real OpenID provider (the `oidc-provider` package) in the test: Gantry discovers its keys and
 * accepts its JWTs (client-credentials access tokens here), the groups claim giving the roles.
 */
async function startProvider(): Promise<{ issuer: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (id: string) => ({
    client_id: id,
    client_secret: `${id}-secret`,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_post' as const,
  });
  const groups: Record<string, string[]> = { 'shop-ci': ['shop-ops'], 'short-lived': ['shop-ops'], outsider: ['billing'] };
  const provider = new Provider(issuer, {
    clients: [client('shop-ci'), client('short-lived'), client('outsider')],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => GANTRY_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, oidcClient) => ({
          scope: 'api',
          audience: resource === GANTRY_RESOURCE ? 'gantry' : 'another-service',
          accessTokenFormat: 'jwt',
          accessTokenTTL: oidcClient.clientId === 'short-lived' ? 1 : 300,
        }),
      },
    },
    extraTokenClaims: async (ctx) => ({ groups: groups[String(ctx.oidc.client?.clientId)] ?? [] }),
  });
  const handle = provider.callback();
  // Koa's handler answers its own errors (ctx.onerror): the server has nothing to await.
  server.on('request', (request, response) => void handle(request, response));
  return { issuer, server };
}

async function clientToken(issuer: string, clientId: string, resource = GANTRY_RESOURCE): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret`, scope: 'api', resource }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

describe('OIDC bearer tokens from a real OpenID provider', () => {
  let provider: { issuer: string; server: Server };
  let database: TestDatabase;
  let app: FastifyInstance;
  let pipelineId: string;

  const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    provider = await startProvider();
    database = await createTestDatabase();
    const store = new AuthStore(database.db.pool);
    const oidc = new OidcVerifier({ issuer: provider.issuer, audience: 'gantry', groupsClaim: 'groups' });
    app = buildTestServer(database, { auth: { mode: 'on', store, oidc } });
    await store.setRoleGrants('shop-ops', [{ kind: 'application', name: 'shop', actions: ['EXECUTE'] }], 'test');
    const saved = await app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ application: 'shop', name: 'p', stages: [{ refId: 'w', type: 'wait', waitTime: 1 }] }),
    });
    pipelineId = saved.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    provider?.server.close();
  });

  it('accepts a token of the right group: its groups are its roles', async () => {
    const token = await clientToken(provider.issuer, 'shop-ci');
    const me = await get('/api/v1/me', token);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ name: 'shop-ci', roles: ['shop-ops'], via: 'oidc', admin: false });
    expect((await get(`/api/v1/pipelines/${pipelineId}`, token)).statusCode).toBe(200);
  });

  it('a valid token of another group is authenticated but not allowed: 403', async () => {
    const response = await get(`/api/v1/pipelines/${pipelineId}`, await clientToken(provider.issuer, 'outsider'));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'outsider lacks READ on application shop' } });
  });

  it('refuses an expired token: 401', async () => {
    const token = await clientToken(provider.issuer, 'short-lived');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await get('/api/v1/me', token);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: 'the OIDC token was refused: it has expired' } });
  });

  it('refuses a token for another audience: 401', async () => {
    const token = await clientToken(provider.issuer, 'shop-ci', 'https://another.test');
    expect(decodeJwt(token).aud).toBe('another-service');
    const response = await get('/api/v1/me', token);
    expect(response.statusCode).toBe(401);
    expect(response.json<{ error: { message: string } }>().error.message).toMatch(/claim aud/);
  });

  it('refuses a token signed by another key, even with the right key id and claims: 401', async () => {
    const genuine = await clientToken(provider.issuer, 'shop-ci');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(genuine)).setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string }).sign(privateKey);
    const response = await get('/api/v1/me', forged);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { message: "the OIDC token was refused: its signature does not verify with the issuer's keys" } });
  });
});
