import { NotFoundError, ValidationError, redactSecrets, restoreRedacted } from '@gantry/core';
import type { PipelineRepository } from '@gantry/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Secrets written into pipelines (an Authorization header, a `password` field: core's
 * `isSecretName` rule) never leave the API: every answer about pipelines and executions (their
 * definitions, stage contexts, triggers, audit events) shows them as REDACTED. A definition saved
 * back with REDACTED where a secret was keeps the stored secret, so a round trip through an editor
 * or `GET` → `PUT` loses nothing; REDACTED where nothing is stored is a 400 naming the field.
 */
export function installSecretRedaction(app: FastifyInstance, options: { pipelines: PipelineRepository; prefix: string }): void {
  const { prefix } = options;
  const shown = [`${prefix}/pipelines`, `${prefix}/executions`];
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const route = routeOf(request);
    return shown.some((prefix) => route.startsWith(prefix)) ? redactSecrets(payload) : payload;
  });

  app.addHook('preValidation', async (request) => {
    const route = routeOf(request);
    const saving =
      (request.method === 'POST' && route === `${prefix}/pipelines`) || (request.method === 'PUT' && route === `${prefix}/pipelines/:id`);
    if (!saving || request.body === null || typeof request.body !== 'object') return;
    const stored = request.method === 'PUT' ? await storedDefinition(options.pipelines, (request.params as { id: string }).id) : undefined;
    const { value, issues } = restoreRedacted(request.body, stored);
    if (issues.length > 0) throw new ValidationError('the definition holds the redaction marker where no secret is stored', issues);
    request.body = value;
  });
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? '';
}

async function storedDefinition(pipelines: PipelineRepository, id: string): Promise<unknown> {
  try {
    return (await pipelines.get(id)).definition;
  } catch (error) {
    // The route answers 404 itself.
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
