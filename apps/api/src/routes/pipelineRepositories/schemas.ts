import { z } from 'zod';
import { errorResponses } from '../commonSchemas';

const repositoryName = z.object({ repository: z.string().min(1).max(200) });

const syncedFile = z.object({
  path: z.string(),
  outcome: z
    .enum(['created', 'updated', 'unchanged', 'disabled', 'error', 'notApplied'])
    .describe('notApplied: the file is fine but another file of its commit is in error, so nothing of the commit was applied'),
  pipelineId: z.string().optional(),
  application: z.string().optional(),
  name: z.string().optional(),
  version: z.number().int().optional(),
  errors: z.array(z.string()).optional(),
});

export const syncReportSchema = z
  .object({
    repository: z.string(),
    commit: z.string(),
    applied: z.boolean().describe('All of the commit was applied; false: none of it (see the files in error)'),
    files: z.array(syncedFile).describe('The files of applications the caller may READ (all of them for an admin)'),
    withheldFiles: z.number().int().describe('Files of the commit left out: of applications the caller may not READ, or in error before naming one'),
    syncedAt: z.string(),
  })
  .meta({ id: 'PipelineSyncReport' });

const repositoryView = z.object({
  name: z.string(),
  url: z.string().describe('Without credentials'),
  branch: z.string(),
  path: z.string(),
  intervalSeconds: z.number().int(),
  webhookPath: z.string().describe('Where its push webhook posts'),
  lastSync: syncReportSchema.nullable(),
});

export const listRepositoriesSchema = {
  tags: ['pipelines'],
  summary: 'The git repositories pipelines are synced from, with each one’s last sync',
  response: { 200: z.object({ repositories: z.array(repositoryView) }), ...errorResponses(401) },
};

export const listSyncsSchema = {
  tags: ['pipelines'],
  summary: "A pipelines repository's sync reports, newest first (one per commit, with the errors per file)",
  params: repositoryName,
  response: { 200: z.object({ syncs: z.array(syncReportSchema) }), ...errorResponses(400, 401, 404) },
};

export const requestSyncSchema = {
  tags: ['pipelines'],
  summary: 'Sync a pipelines repository now (a worker fetches its branch head)',
  params: repositoryName,
  response: { 202: z.object({ queued: z.literal(true) }), ...errorResponses(400, 401, 403, 404) },
};

export const repositoryWebhookSchema = {
  tags: ['pipelines'],
  summary: 'A push webhook from GitHub, GitLab or Bitbucket for a pipelines repository',
  description: [
    "Proven with the repository's webhookSecret: GitHub's X-Hub-Signature-256 (or X-Hub-Signature), Bitbucket's X-Hub-Signature, GitLab's X-Gitlab-Token;",
    'or sent with an admin API token. A push to the configured branch queues a sync (202); other events and branches are answered 200 and do nothing.',
  ].join(' '),
  params: repositoryName,
  headers: z.looseObject({
    'x-hub-signature-256': z.string().optional(),
    'x-hub-signature': z.string().optional(),
    'x-gitlab-token': z.string().optional(),
    'x-github-event': z.string().optional(),
    'x-gitlab-event': z.string().optional(),
    'x-event-key': z.string().optional(),
  }),
  body: z.unknown().describe("The host's push event, byte for byte"),
  response: {
    200: z.object({ queued: z.literal(false), reason: z.string() }),
    202: z.object({ queued: z.literal(true) }),
    ...errorResponses(400, 401, 403, 404),
  },
};
