import { ACTIONS, RESOURCE_KINDS } from '@gantry/core';
import { z } from 'zod';
import { errorResponses, uuid } from '../commonSchemas';

const roleName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'letters, digits and _ . : @ - (at most 128)');
const roles = z.array(roleName).max(100);

const grantSchema = z.object({
  kind: z.enum(RESOURCE_KINDS),
  name: z.string().min(1).max(200).describe('An application or account name, or * for all'),
  actions: z.array(z.enum(ACTIONS)).min(1),
});

const tokenViewSchema = z
  .object({
    id: uuid,
    name: z.string(),
    roles: z.array(z.string()),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    serviceAccount: z.string().nullable().describe('Set: the token acts as this service account, with its roles'),
  })
  .meta({ id: 'ApiToken' });

const serviceAccountSchema = z
  .object({ name: z.string(), roles: z.array(z.string()), createdBy: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'ServiceAccount' });

const tags = ['auth'];

export const meSchema = {
  tags,
  summary: 'Who the caller is and what it may do',
  response: {
    200: z.object({
      name: z.string(),
      roles: z.array(z.string()),
      via: z.string(),
      onBehalfOf: z.string().optional().describe('Whom a service account said it acts for (X-Gantry-On-Behalf-Of); recorded, never used for access'),
      admin: z.boolean(),
      grants: z.array(grantSchema.extend({ role: z.string() })),
    }),
    ...errorResponses(401),
  },
};

export const createTokenSchema = {
  tags,
  summary: 'Create an API token (admin); the token is in this answer only',
  body: z.object({
    name: z.string().min(1).max(200),
    roles: roles.optional().describe("The token's roles; none with serviceAccount"),
    serviceAccount: roleName
      .optional()
      .describe('The service account the token acts as: its roles are the account\'s as they are at each use, and it may send X-Gantry-On-Behalf-Of'),
    expiresAt: z.coerce.date().optional().describe('When the token stops working; default never'),
  }).superRefine((body, ctx) => {
    if (body.serviceAccount === undefined && body.roles === undefined) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'required (or serviceAccount, for a token that acts as a service account)' });
    }
    if (body.serviceAccount !== undefined && (body.roles?.length ?? 0) > 0) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: "a service account's token has the service account's roles: leave roles out" });
    }
  }),
  response: { 201: tokenViewSchema.extend({ token: z.string() }), ...errorResponses(400, 401, 403) },
};

export const listTokensSchema = {
  tags,
  summary: 'List API tokens (admin), never their values',
  response: { 200: z.object({ tokens: z.array(tokenViewSchema) }), ...errorResponses(401, 403) },
};

export const revokeTokenSchema = {
  tags,
  summary: 'Revoke an API token (admin)',
  params: z.object({ id: uuid }),
  response: { 200: tokenViewSchema, ...errorResponses(400, 401, 403, 404) },
};

export const listRolesSchema = {
  tags,
  summary: 'Every role grant (admin)',
  response: { 200: z.object({ grants: z.array(grantSchema.extend({ role: z.string() })) }), ...errorResponses(401, 403) },
};

export const putRoleSchema = {
  tags,
  summary: "Replace what a role may do (admin); an empty list removes the role's grants",
  params: z.object({ role: roleName }),
  body: z.object({ grants: z.array(grantSchema).max(1000) }),
  response: { 200: z.object({ role: z.string(), grants: z.array(grantSchema) }), ...errorResponses(400, 401, 403) },
};

export const listServiceAccountsSchema = {
  tags,
  summary: 'Service accounts that automatic triggers may run as (admin)',
  response: { 200: z.object({ serviceAccounts: z.array(serviceAccountSchema) }), ...errorResponses(401, 403) },
};

export const putServiceAccountSchema = {
  tags,
  summary: 'Create or change a service account and its roles (admin)',
  params: z.object({ name: roleName }),
  body: z.object({ roles }),
  response: { 200: serviceAccountSchema, ...errorResponses(400, 401, 403) },
};

export const deleteServiceAccountSchema = {
  tags,
  summary: 'Delete a service account (admin)',
  params: z.object({ name: roleName }),
  response: { 204: z.undefined(), ...errorResponses(400, 401, 403, 404) },
};

export const signInSchema = {
  tags,
  summary: 'Browser sign-in with an API token: sets the httpOnly session cookie and the CSRF cookie',
  body: z.object({ token: z.string().min(1) }),
  response: { 200: z.object({ name: z.string(), roles: z.array(z.string()) }), ...errorResponses(400, 401) },
};

export const signOutSchema = {
  tags,
  summary: 'Sign out: clears the session cookies',
  response: { 204: z.undefined() },
};

export const oidcLoginSchema = {
  tags,
  summary: "Browser sign-in through the OIDC provider (authorization code with PKCE)",
  hide: false,
  querystring: z.object({
    // A path of this server only (one leading slash, no backslash): never a redirect to another site.
    returnTo: z
      .string()
      .max(2000)
      .regex(/^\/(?![/\\])[^\\]*$/, 'a path on this server, starting with a single /')
      .optional()
      .describe('Where the browser goes once signed in (the page that asked for the sign-in); default /'),
  }),
};

export const oidcCallbackSchema = {
  tags,
  summary: 'Where the OIDC provider sends the browser back',
  querystring: z.object({ code: z.string().min(1), state: z.string().min(1) }),
};
