import { z } from 'zod';
import { errorResponses } from '../commonSchemas';

const tags = ['gate'];

export const gateGetPipelineConfigSchema = {
  tags,
  summary: "Spinnaker Gate's GET /applications/{application}/pipelineConfigs/{pipelineName} (spin pipeline get)",
  description: 'One pipeline in the form GET /applications/{application}/pipelineConfigs lists it; by name, or by id as Gate also takes.',
  params: z.object({ application: z.string().min(1).max(200), pipelineName: z.string().min(1).max(200) }),
  response: { 200: z.record(z.string(), z.unknown()), ...errorResponses(400, 404) },
};

export const gateVersionSchema = {
  tags,
  summary: "Spinnaker Gate's GET /version: spin calls it before every command to check that Gate is reachable",
  response: { 200: z.object({ version: z.string() }), ...errorResponses(401) },
};
