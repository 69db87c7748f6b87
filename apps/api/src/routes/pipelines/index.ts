import { parsePipelineDefinition } from '@gantry/core';
import type { PipelineRepository } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../actor';
import { parseBodyWith } from '../../validation/validatorCompiler';
import {
  createPipelineSchema,
  deletePipelineSchema,
  getPipelineSchema,
  getVersionSchema,
  listPipelinesSchema,
  listVersionsSchema,
  updatePipelineSchema,
} from './schemas';

export interface PipelineRoutesOptions {
  pipelines: PipelineRepository;
}

// parsePipelineDefinition checks what the schema cannot (refIds, requisites, cycles, stage types)
// and reports all of it in one answer.
const parseDefinition = parseBodyWith(parsePipelineDefinition);

/** CRUD of pipelines and their version history under /pipelines. */
export const pipelineRoutes: FastifyPluginAsyncZod<PipelineRoutesOptions> = async (app, { pipelines }) => {
  app.post('/pipelines', { schema: createPipelineSchema, validatorCompiler: parseDefinition }, async (request, reply) => {
    const pipeline = await pipelines.create(request.body, actorOf(request));
    return reply.code(201).send(pipeline);
  });

  app.put('/pipelines/:id', { schema: updatePipelineSchema, validatorCompiler: parseDefinition }, async (request) => {
    return pipelines.update(request.params.id, request.body, actorOf(request), request.query.expectedVersion);
  });

  app.get('/pipelines', { schema: listPipelinesSchema }, async (request) => {
    return { pipelines: await pipelines.list({ application: request.query.application }) };
  });

  app.get('/pipelines/:id', { schema: getPipelineSchema }, async (request) => pipelines.get(request.params.id));

  app.get('/pipelines/:id/versions', { schema: listVersionsSchema }, async (request) => {
    return { versions: await pipelines.listVersions(request.params.id) };
  });

  app.get('/pipelines/:id/versions/:version', { schema: getVersionSchema }, async (request) => {
    return pipelines.getVersion(request.params.id, request.params.version);
  });

  app.delete('/pipelines/:id', { schema: deletePipelineSchema }, async (request, reply) => {
    await pipelines.delete(request.params.id, actorOf(request));
    return reply.code(204).send();
  });
};
