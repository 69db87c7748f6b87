import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { open } from '../../auth/access';

export interface UiRoutesOptions {
  /** The web UI's build (apps/ui/dist, written by `npm run build:ui` at install). */
  distDir?: string;
  /** Whether the sign-in page offers "Sign in with OIDC" (/auth/login exists). */
  oidcLogin: boolean;
}

export const DEFAULT_UI_DIST = fileURLToPath(new URL('../../../../ui/dist/', import.meta.url));

/** Paths the UI's router owns (apps/ui/src/routes.tsx): a shared link to any of them opens the page. */
const PAGE_PATHS = ['/', '/applications', '/applications/*'];

/**
 * The web UI, served by the API itself (docs/architecture.md "Web UI"): the page and its assets are
 * open, since the page asks GET /api/v1/me who the caller is and shows sign-in only on a 401. Assets
 * have content-hashed names, so they are cached for good; gzip/brotli copies written at build time
 * are sent to browsers that accept them. The page is never cached, so a new build shows at once.
 */
export const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, options) => {
  const distDir = options.distDir ?? DEFAULT_UI_DIST;
  let page: string | undefined;
  const indexHtml = () => {
    if (page !== undefined) return page;
    const file = `${distDir}/index.html`;
    if (!existsSync(file)) return undefined;
    page = readFileSync(file, 'utf8').replace('%GANTRY_OIDC_LOGIN%', options.oidcLogin ? 'on' : 'off');
    return page;
  };
  const notBuilt = (reply: FastifyReply) =>
    reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `the web UI is not built (${distDir} has no index.html): run \`npm run build:ui\``, details: {} },
    });

  await app.register(fastifyStatic, { root: distDir, serve: false, preCompressed: true, immutable: true, maxAge: '365d' });

  for (const url of PAGE_PATHS) {
    app.get(url, { schema: { hide: true }, config: open }, async (_request, reply) => {
      const html = indexHtml();
      if (html === undefined) return notBuilt(reply);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  }

  app.get('/assets/*', { schema: { hide: true }, config: open }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    return reply.sendFile(`assets/${path}`);
  });
};
