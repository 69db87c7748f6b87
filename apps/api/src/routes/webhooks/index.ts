import { secretResolver } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { ExecutionRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { handleWebhookDelivery, UnsignedDeliveryError } from './generic';
import { handleJenkinsNotification } from './jenkins';
import { captureRawBodies, rawBodyOf, rawBodyValidatorCompiler } from './rawBody';
import { sender } from '../../auth/access';
import { jenkinsSchema, webhookSchema } from './schemas';

export interface WebhookRoutesOptions {
  pool: pg.Pool;
  executions: ExecutionRepository;
  bus: MessageBus;
  /** The configuration's `secrets` map; GANTRY_SECRET_<REF> variables win over it. */
  secrets?: Readonly<Record<string, string>>;
  /** Sources (`github`, `jenkins:<master>`, `*` for all) that anyone may post to without a signature or token. */
  openSources?: readonly string[];
  /**
   * Serve Gate's paths for these handlers instead (registered without the /api/v1 prefix), so what
   * posted to Spinnaker's Gate posts here unchanged: `POST /webhooks/webhook/{source}`. Gate has
   * no Jenkins endpoint (igor polls Jenkins).
   */
  gatePaths?: boolean;
}

/** Triggers from outside: Jenkins build notifications and signed generic webhooks, under /webhooks. */
export const webhookRoutes: FastifyPluginAsyncZod<WebhookRoutesOptions> = async (app, options) => {
  const deps = { pool: options.pool, executions: options.executions, bus: options.bus };
  const secrets = secretResolver(options.secrets ?? {}, process.env);
  captureRawBodies(app);
  const openSources = new Set(options.openSources ?? []);
  const isOpen = (source: string) => openSources.has('*') || openSources.has(source);
  // A caller with a token triggers only what it may EXECUTE, whatever the source's own proof.
  const tokenHolder = (request: FastifyRequest) =>
    request.principal === undefined
      ? undefined
      : { authorize: (applications: string[]) => request.authorize(applications.map((name) => ({ kind: 'application' as const, name, action: 'EXECUTE' as const }))) };

  const gate = options.gatePaths === true;
  if (!gate) app.post('/webhooks/jenkins', { schema: jenkinsSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
    const answer = await handleJenkinsNotification({ ...deps, secrets }, {
      master: request.headers['x-jenkins-master'] ?? request.query.master,
      sender: tokenHolder(request) ?? { token: request.headers['x-gantry-token'] ?? request.query.token, open: (master) => isOpen(`jenkins:${master}`) },
      // The typed body is the documented JSON; what arrives is the raw bytes (see captureRawBodies).
      raw: rawBodyOf(request.body),
      contentType: request.headers['content-type'],
      explain: request.query.explain ?? false,
    });
    return reply.code(answer.statusCode).send(answer.body);
  });

  app.post(gate ? '/webhooks/webhook/:source' : '/webhooks/:source', { schema: webhookSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
    try {
      const answer = await handleWebhookDelivery(
        { ...deps, secrets, log: request.log },
        {
          source: request.params.source,
          raw: rawBodyOf(request.body),
          headers: request.raw.headers,
          explain: request.query.explain ?? false,
          sender: tokenHolder(request) ?? { open: isOpen(request.params.source) },
        },
      );
      return await reply.code(answer.statusCode).send(answer.body);
    } catch (error) {
      if (!(error instanceof UnsignedDeliveryError)) throw error;
      request.log.info({ source: error.source }, 'webhook delivery refused: no valid signature');
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: error.message, details: {} } });
    }
  });
};
