import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { pruneUnusedSchemas } from '../openapi/pruneUnusedSchemas';

/**
 * OpenAPI generated from the route schemas: JSON at /docs/json, the UI at /docs. Registered on the
 * root (not encapsulated) and before the routes, so its onRoute hook sees every route.
 */
export function installSwagger(app: FastifyInstance, options: { bodyLimitBytes: number }): void {
  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gantry API',
        version: '1',
        description: [
          'Continuous delivery: pipelines (versioned on every save) and their executions.',
          '',
          `Request bodies are JSON (\`Content-Type: application/json\`, else 415) of at most ${options.bodyLimitBytes} bytes (else 413 PAYLOAD_TOO_LARGE).`,
          'Every error is `{"error": {"code", "message", "details"}}`; VALIDATION errors list `details.issues[]` with the `path` of each offending field.',
          'Every route but /healthz, /readyz and /docs needs `Authorization: Bearer <API token or OIDC token>` (or the session cookie of /auth/session); 401 UNAUTHORIZED without one, 403 FORBIDDEN naming the missing permission. The actor recorded is the authenticated caller.',
        ].join('\n'),
      },
      tags: [
        { name: 'pipelines', description: 'Pipeline definitions and their history' },
        { name: 'executions', description: 'Runs of pipelines and operator actions on them' },
        { name: 'health', description: 'Liveness and readiness probes' },
        { name: 'auth', description: 'Who the caller is; API tokens, role grants and service accounts (admin); browser sign-in' },
        { name: 'applications', description: 'Live clusters and server groups of an application, as the providers see them' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => pruneUnusedSchemas(jsonSchemaTransformObject(document)),
  });
  app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
