import { createHash, randomBytes } from 'node:crypto';
import { UnauthorizedError, ValidationError, effectiveGrants, isAdmin } from '@gantry/core';
import type { AuthStore } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../actor';
import { adminOnly, open, signedIn } from '../../auth/access';
import { clearedSessionCookies, cookiesOf, sessionCookies } from '../../auth/credentials';
import type { OidcVerifier } from '../../auth/oidc';
import {
  createTokenSchema,
  deleteServiceAccountSchema,
  listRolesSchema,
  listServiceAccountsSchema,
  listTokensSchema,
  meSchema,
  oidcCallbackSchema,
  oidcLoginSchema,
  putRoleSchema,
  putServiceAccountSchema,
  revokeTokenSchema,
  signInSchema,
  signOutSchema,
} from './schemas';

export interface AuthRoutesOptions {
  store: AuthStore;
  oidc?: OidcVerifier;
  /** This server's URL as browsers reach it (for the OIDC redirect); default: from the request. */
  publicUrl?: string;
}

/** A session signed in with an API token lasts this long; one from OIDC, as long as its ID token. */
const TOKEN_SESSION_SECONDS = 12 * 60 * 60;
const OIDC_STATE_COOKIE = 'gantry_oidc';

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** `GET /me` for everyone signed in; tokens, role grants and service accounts for admins; browser sign-in. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { store, oidc, publicUrl }) => {
  app.get('/api/v1/me', { schema: meSchema, config: signedIn }, async (request) => {
    const principal = request.principal as NonNullable<typeof request.principal>;
    return {
      name: principal.name,
      roles: [...principal.roles],
      via: principal.via,
      ...(principal.onBehalfOf === undefined ? {} : { onBehalfOf: principal.onBehalfOf }),
      admin: isAdmin(principal.roles),
      grants: effectiveGrants(await store.grants(), principal.roles).map((grant) => ({ ...grant, actions: [...grant.actions] })),
    };
  });

  app.post('/api/v1/tokens', { schema: createTokenSchema, config: adminOnly }, async (request, reply) => {
    const { name, roles = [], expiresAt, serviceAccount } = request.body;
    if (serviceAccount !== undefined && (await store.serviceAccount(serviceAccount)) === undefined) {
      const message = `no service account ${serviceAccount} (an admin creates it with PUT /api/v1/serviceAccounts/${serviceAccount})`;
      throw new ValidationError(`serviceAccount: ${message}`, [{ path: ['serviceAccount'], message }]);
    }
    const { token, view } = await store.createToken({
      name,
      roles,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(serviceAccount === undefined ? {} : { serviceAccount }),
      createdBy: actorOf(request),
    });
    request.log.info({ tokenId: view.id, name, roles, serviceAccount }, 'API token created');
    return reply.code(201).send({ ...view, token });
  });

  app.get('/api/v1/tokens', { schema: listTokensSchema, config: adminOnly }, async () => ({ tokens: await store.listTokens() }));

  app.delete('/api/v1/tokens/:id', { schema: revokeTokenSchema, config: adminOnly }, async (request) => {
    const view = await store.revokeToken(request.params.id);
    request.log.info({ tokenId: view.id, by: actorOf(request) }, 'API token revoked');
    return view;
  });

  app.get('/api/v1/roles', { schema: listRolesSchema, config: adminOnly }, async () => ({ grants: await store.grants() }));

  app.put('/api/v1/roles/:role', { schema: putRoleSchema, config: adminOnly }, async (request) => {
    await store.setRoleGrants(request.params.role, request.body.grants, actorOf(request));
    return { role: request.params.role, grants: request.body.grants };
  });

  app.get('/api/v1/serviceAccounts', { schema: listServiceAccountsSchema, config: adminOnly }, async () => ({
    serviceAccounts: await store.listServiceAccounts(),
  }));

  app.put('/api/v1/serviceAccounts/:name', { schema: putServiceAccountSchema, config: adminOnly }, async (request) =>
    store.putServiceAccount(request.params.name, request.body.roles, actorOf(request)),
  );

  app.delete('/api/v1/serviceAccounts/:name', { schema: deleteServiceAccountSchema, config: adminOnly }, async (request, reply) => {
    await store.deleteServiceAccount(request.params.name);
    return reply.code(204).send();
  });

  // Open: this is how a browser gets a session in the first place.
  app.post('/auth/session', { schema: signInSchema, config: open }, async (request, reply) => {
    const principal = await app.signIn(request, { from: 'bearer', value: request.body.token });
    const secure = request.protocol === 'https';
    reply.header('set-cookie', sessionCookies(request.body.token, b64url(randomBytes(24)), { secure, maxAgeSeconds: TOKEN_SESSION_SECONDS }));
    return { name: principal.name, roles: [...principal.roles] };
  });

  app.delete('/auth/session', { schema: signOutSchema, config: open }, async (_request, reply) =>
    reply.header('set-cookie', clearedSessionCookies()).code(204).send(),
  );

  if (oidc?.settings.clientId === undefined) return;
  const clientId = oidc.settings.clientId;
  const redirectUri = (request: { protocol: string; host: string }) => `${publicUrl ?? `${request.protocol}://${request.host}`}/auth/callback`;

  app.get('/auth/login', { schema: oidcLoginSchema, config: open }, async (request, reply) => {
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const url = new URL((await oidc.endpoints()).authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri(request),
      scope: 'openid profile email',
      state,
      code_challenge: b64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    const secure = request.protocol === 'https' ? '; Secure' : '';
    // The page to come back to rides in the same short-lived cookie as the PKCE verifier (base64url: no '.' in it).
    const back = b64url(Buffer.from(request.query.returnTo ?? '/'));
    reply.header('set-cookie', `${OIDC_STATE_COOKIE}=${state}.${verifier}.${back}; HttpOnly; Path=/auth; SameSite=Lax; Max-Age=600${secure}`);
    return reply.redirect(url.toString(), 302);
  });

  app.get('/auth/callback', { schema: oidcCallbackSchema, config: open }, async (request, reply) => {
    const [state, verifier, back] = (cookiesOf(request).get(OIDC_STATE_COOKIE) ?? '').split('.');
    if (state === undefined || verifier === undefined || state !== request.query.state) {
      throw new UnauthorizedError('the sign-in did not start here or took too long (state mismatch): start again at /auth/login');
    }
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: request.query.code,
      redirect_uri: redirectUri(request),
      client_id: clientId,
      code_verifier: verifier,
      ...(oidc.settings.clientSecret === undefined ? {} : { client_secret: oidc.settings.clientSecret }),
    });
    const response = await fetch((await oidc.endpoints()).token_endpoint, { method: 'POST', body: form });
    const tokens = (await response.json().catch(() => ({}))) as { id_token?: string; error?: string };
    if (!response.ok || tokens.id_token === undefined) {
      throw new UnauthorizedError(`the OIDC provider refused the sign-in: ${tokens.error ?? `HTTP ${response.status}`}`);
    }
    // Like any credential: verified, and counted against the address when refused.
    await app.signIn(request, { from: 'bearer', value: tokens.id_token });
    const { exp } = JSON.parse(Buffer.from(tokens.id_token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    const maxAgeSeconds = Math.max(60, Math.floor((exp ?? 0) - Date.now() / 1000));
    const cookies = sessionCookies(tokens.id_token, b64url(randomBytes(24)), { secure: request.protocol === 'https', maxAgeSeconds });
    reply.header('set-cookie', [...cookies, `${OIDC_STATE_COOKIE}=; Path=/auth; Max-Age=0`]);
    const returnTo = Buffer.from(back ?? '', 'base64url').toString('utf8');
    // Checked again on the way out: the cookie is ours, but a path is all it may name.
    return reply.redirect(oidcLoginSchema.querystring.shape.returnTo.safeParse(returnTo).success && returnTo !== '' ? returnTo : '/', 302);
  });
};
