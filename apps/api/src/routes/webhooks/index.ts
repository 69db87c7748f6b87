import { secretResolver } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { ExecutionRepository } from '@gantry/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { handleDockerDelivery } from './docker';
import { handleWebhookDelivery, UnsignedDeliveryError } from './generic';
import { handleGitDelivery } from './git';
import { handlePubsubPush } from './pubsub';
import { handleJenkinsNotification } from './jenkins';
import { captureRawBodies, rawBodyOf, rawBodyValidatorCompiler } from './rawBody';
import { sender } from '../../auth/access';
import { dockerWebhookSchema, gitWebhookSchema, jenkinsSchema, pubsubPushSchema, webhookSchema } from './schemas';

export interface WebhookRoutesOptions {
  pool: pg.Pool;
  executions: ExecutionRepository;
  bus: MessageBus;
  /** The configuration's `secrets` map; GANTRY_SECRET_<REF> variables win over it. */
  secrets?: Readonly<Record<string, string>>;
  /** Sources (`github`, `jenkins:<master>`, `*` for all) that anyone may post to without a signature or token. */
  openSources?: readonly string[];
  /**
   * Only Spinnaker Gate's webhook paths (`/webhooks/webhook/<source>`, `/webhooks/git/<host>`),
   * for registering at the root where scripts and hosts configured for Gate post.
   */
  gateOnly?: boolean;
}

/**
 * Triggers from outside, under /webhooks: Jenkins build notifications, signed generic webhooks
 * (also at echo's /webhooks/webhook/<source>), and Spinnaker's git (/webhooks/git/<host>), docker
 * (/webhooks/docker/<source>) and Pub/Sub push (/webhooks/pubsub/google) triggers.
 */
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

  if (!options.gateOnly) {
    app.post('/webhooks/jenkins', { schema: jenkinsSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
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
  }

  // A refused signature is answered here: the handlers throw before anything was started or recorded.
  const unsigned = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!(error instanceof UnsignedDeliveryError)) throw error;
    request.log.info({ source: error.source }, 'webhook delivery refused: no valid signature');
    return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: error.message, details: {} } });
  };

  app.post('/webhooks/git/:host', { schema: gitWebhookSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
    try {
      const answer = await handleGitDelivery(
        { ...deps, secrets, log: request.log },
        {
          host: request.params.host,
          raw: rawBodyOf(request.body),
          headers: request.raw.headers,
          explain: request.query.explain ?? false,
          sender: tokenHolder(request) ?? { open: isOpen(`git:${request.params.host}`) },
        },
      );
      return await reply.code(answer.statusCode).send(answer.body);
    } catch (error) {
      return unsigned(request, reply, error);
    }
  });

  if (!options.gateOnly) {
    app.post('/webhooks/docker/:source', { schema: dockerWebhookSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
      const { source } = request.params;
      const answer = await handleDockerDelivery({ ...deps, secrets }, {
        source,
        raw: rawBodyOf(request.body),
        contentType: request.headers['content-type'],
        explain: request.query.explain ?? false,
        sender: tokenHolder(request) ?? { token: request.headers['x-gantry-token'] ?? request.query.token, open: isOpen(`docker:${source}`) },
      });
      return reply.code(answer.statusCode).send(answer.body);
    });

    app.post('/webhooks/pubsub/:system', { schema: pubsubPushSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
      const { system } = request.params;
      const answer = await handlePubsubPush({ ...deps, secrets }, {
        system,
        raw: rawBodyOf(request.body),
        contentType: request.headers['content-type'],
        explain: request.query.explain ?? false,
        sender: tokenHolder(request) ?? { token: request.headers['x-gantry-token'] ?? request.query.token, open: isOpen(`pubsub:${system}`) },
      });
      return reply.code(answer.statusCode).send(answer.body);
    });
  }

  const generic = async (request: FastifyRequest<{ Params: { source: string }; Querystring: { explain?: boolean } }>, reply: FastifyReply) => {
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
      return unsigned(request, reply, error);
    }
  };
  const route = { schema: webhookSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender };
  // Echo's (and Gate's) path for the same deliveries: `webhook` is the trigger type, then the source.
  app.post('/webhooks/webhook/:source', route, generic);
  if (!options.gateOnly) app.post('/webhooks/:source', route, generic);
};
