import { z } from 'zod';
import { storedKayentaCanaryConfigSchema } from '@gantry/core';
import { actorHeaders, errorResponses, uuid } from '../commonSchemas';

const jsonObject = z.record(z.string(), z.unknown());
const version = z.coerce.number({ error: 'must be a number' }).int().positive();

export const canaryConfigIdParams = z.object({ id: uuid });
export const canaryConfigVersionParams = z.object({ id: uuid, version });

export const canaryConfigSchema = z
  .object({
    id: uuid,
    name: z.string(),
    applications: z.array(z.string()),
    version: z.number().int().describe('Latest version; every save adds one'),
    document: jsonObject.describe("The config as saved, in Kayenta's JSON"),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'CanaryConfig' });

export const canaryConfigVersionSchema = z
  .object({ configId: uuid, version: z.number().int(), document: jsonObject, createdBy: z.string().nullable(), createdAt: z.date() })
  .meta({ id: 'CanaryConfigVersion' });

const body = storedKayentaCanaryConfigSchema.describe(
  "A canary config in Kayenta's JSON (name, applications, judge, metrics with query, groups and analysisConfigurations.canary, classifier, templates); unknown keys are kept",
);

export const createCanaryConfigSchema = {
  tags: ['canaryConfigs'],
  summary: 'Store a canary config (version 1); needs WRITE on each of its applications',
  headers: actorHeaders,
  body,
  response: { 201: canaryConfigSchema, ...errorResponses(400, 409, 413, 415) },
};

export const updateCanaryConfigSchema = {
  tags: ['canaryConfigs'],
  summary: 'Save a new version; needs WRITE on the applications it had and the ones it names',
  headers: actorHeaders,
  params: canaryConfigIdParams,
  querystring: z.object({
    expectedVersion: version.optional().describe('Refuse the save with 409 CONFLICT unless the config is still at this version'),
  }),
  body,
  response: { 200: canaryConfigSchema, ...errorResponses(400, 404, 409, 413, 415) },
};

export const listCanaryConfigsSchema = {
  tags: ['canaryConfigs'],
  summary: 'List canary configs by name (those whose every application the caller may read)',
  querystring: z.object({ application: z.string().min(1).optional().describe('Only configs that list this application') }),
  response: { 200: z.object({ canaryConfigs: z.array(canaryConfigSchema) }), ...errorResponses(400) },
};

export const getCanaryConfigSchema = {
  tags: ['canaryConfigs'],
  summary: 'Get a canary config at its latest version',
  params: canaryConfigIdParams,
  response: { 200: canaryConfigSchema, ...errorResponses(400, 404) },
};

export const listCanaryConfigVersionsSchema = {
  tags: ['canaryConfigs'],
  summary: 'The history of a canary config, newest version first',
  params: canaryConfigIdParams,
  response: { 200: z.object({ versions: z.array(canaryConfigVersionSchema) }), ...errorResponses(400, 404) },
};

export const getCanaryConfigVersionSchema = {
  tags: ['canaryConfigs'],
  summary: 'One version of a canary config',
  params: canaryConfigVersionParams,
  response: { 200: canaryConfigVersionSchema, ...errorResponses(400, 404) },
};

export const deleteCanaryConfigSchema = {
  tags: ['canaryConfigs'],
  summary: 'Delete a canary config (its versions stay)',
  headers: actorHeaders,
  params: canaryConfigIdParams,
  response: { 204: z.undefined().describe('Deleted'), ...errorResponses(400, 404) },
};
