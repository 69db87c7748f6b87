import { z } from 'zod';
import { DRIFT_STATES } from '@gantry/core';
import { errorResponses } from '../commonSchemas';

const driftField = z.object({
  path: z.string().describe('The field, as kubectl writes a path: spec.replicas, spec.template.spec.containers[name=web].image; a server group\'s: capacity.desired, launchTemplate.version, instanceTemplate.name, image'),
  desired: z.unknown().describe('What the desired manifest sets (absent: it sets nothing the live object has there)'),
  live: z.unknown().describe('What runs (absent: the live object lacks the field)'),
});

export const driftResourceSchema = z
  .object({
    account: z.string(),
    namespace: z.string().describe("'' for a cluster-scoped object; a server group's region"),
    kind: z.string().describe('The Kubernetes kind, or ServerGroup for an AWS/GCP server group'),
    name: z.string(),
    apiVersion: z.string().describe("The Kubernetes apiVersion, or a server group's cloud provider (aws, gcp)"),
    application: z.string().nullable(),
    watch: z.string().nullable().describe('The drift watch whose git manifests are its desired state; null: what Gantry deployed'),
    state: z.enum(DRIFT_STATES),
    fields: z.array(driftField).describe('The fields that differ, desired against live (drifted only)'),
    since: z.string().describe('When the object entered this state'),
    checkedAt: z.string().describe('The last check that saw it'),
  })
  .meta({ id: 'DriftResource' });

export const listDriftSchema = {
  tags: ['drift'],
  summary: 'What runs against its desired state: every watched object the caller may read, with the fields that drifted',
  querystring: z.object({ application: z.string().min(1).optional(), state: z.enum(DRIFT_STATES).optional() }),
  response: { 200: z.object({ resources: z.array(driftResourceSchema) }), ...errorResponses(400, 401) },
};

export const requestDriftCheckSchema = {
  tags: ['drift'],
  summary: 'Check drift now, of one drift watch or of one application’s objects (a worker compares and records)',
  body: z
    .strictObject({
      watch: z.string().min(1).max(200).optional().describe('A configured drift watch'),
      application: z.string().min(1).max(200).optional().describe('Every object of this application (deployed by Gantry or in its watches)'),
    })
    .refine((body) => (body.watch === undefined) !== (body.application === undefined), { path: ['watch'], message: 'name a drift watch (watch) or an application, one of the two' }),
  response: { 202: z.object({ queued: z.literal(true) }), ...errorResponses(400, 401, 403) },
};
