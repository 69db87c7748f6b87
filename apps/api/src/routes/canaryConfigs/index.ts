import { ANY, type Action, type Permission } from '@gantry/core';
import type { CanaryConfigDocument, CanaryConfigRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { savedBy } from '../../actor';
import { needs, signedIn } from '../../auth/access';
import {
  createCanaryConfigSchema,
  deleteCanaryConfigSchema,
  getCanaryConfigSchema,
  getCanaryConfigVersionSchema,
  listCanaryConfigsSchema,
  listCanaryConfigVersionsSchema,
  updateCanaryConfigSchema,
} from './schemas';

export interface CanaryConfigRoutesOptions {
  canaryConfigs: CanaryConfigRepository;
}

const onApps = (applications: readonly string[], action: Action): Permission[] =>
  [...new Set(applications)].map((name) => ({ kind: 'application', name, action }));
const bodyApplications = (request: FastifyRequest) => (request.body as { applications: string[] }).applications;

/**
 * Kayenta canary configs under /canaryConfigs. A config belongs to every application it lists (as
 * in Kayenta), so each access needs the action on each of them; an unknown id answers 404 from the
 * access check, as the handler would.
 */
export const canaryConfigRoutes: FastifyPluginAsyncZod<CanaryConfigRoutesOptions> = async (app, { canaryConfigs }) => {
  const onStored = (action: Action, alsoOn: (request: FastifyRequest) => string[] = () => []) =>
    needs(`${action} on each of the canary config's applications`, async (request) => {
      const { applications } = await canaryConfigs.get((request.params as { id: string }).id);
      return onApps([...applications, ...alsoOn(request)], action);
    });

  app.post(
    '/canaryConfigs',
    { schema: createCanaryConfigSchema, config: needs('WRITE on each application the config names', (request) => onApps(bodyApplications(request), 'WRITE')) },
    async (request, reply) => reply.code(201).send(await canaryConfigs.create(request.body as CanaryConfigDocument, savedBy(request))),
  );

  // Both sides: moving a config to other applications needs WRITE where it is and where it goes.
  app.put('/canaryConfigs/:id', { schema: updateCanaryConfigSchema, config: onStored('WRITE', bodyApplications) }, async (request) =>
    canaryConfigs.update(request.params.id, request.body as CanaryConfigDocument, savedBy(request), request.query.expectedVersion),
  );

  app.get('/canaryConfigs', { schema: listCanaryConfigsSchema, config: signedIn }, async (request) => {
    const listed = await canaryConfigs.list({ ...(request.query.application === undefined ? {} : { application: request.query.application }) });
    const readable = await request.readable('application');
    return { canaryConfigs: readable === ANY ? listed : listed.filter((config) => config.applications.every((name) => readable.has(name))) };
  });

  const read = onStored('READ');
  app.get('/canaryConfigs/:id', { schema: getCanaryConfigSchema, config: read }, async (request) => canaryConfigs.get(request.params.id));
  app.get('/canaryConfigs/:id/versions', { schema: listCanaryConfigVersionsSchema, config: read }, async (request) => ({
    versions: await canaryConfigs.listVersions(request.params.id),
  }));
  app.get('/canaryConfigs/:id/versions/:version', { schema: getCanaryConfigVersionSchema, config: read }, async (request) =>
    canaryConfigs.getVersion(request.params.id, request.params.version),
  );

  app.delete('/canaryConfigs/:id', { schema: deleteCanaryConfigSchema, config: onStored('WRITE') }, async (request, reply) => {
    await canaryConfigs.delete(request.params.id);
    return reply.code(204).send();
  });
};
