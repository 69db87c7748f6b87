import type { IncomingHttpHeaders } from 'node:http';
import { redactUrl, type PipelineRepositorySetting } from '@gantry/config';
import { ANY, ForbiddenError, NotFoundError, UnauthorizedError, isAdmin, readGitPush, secretResolver, type GitSource, type SecretResolver } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { PipelineRepositorySyncs, SyncReport } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adminOnly, sender, signedIn } from '../../auth/access';
import { headerValue } from '../webhooks/generic';
import { captureRawBodies, parsePayload, rawBodyOf, rawBodyValidatorCompiler } from '../webhooks/rawBody';
import { tokenMatches } from '../../auth/credentials';
import { signedByHost } from '../webhooks/signature';
import { listRepositoriesSchema, listSyncsSchema, repositoryWebhookSchema, requestSyncSchema } from './schemas';

export interface PipelineRepositoryRoutesOptions {
  repositories: readonly PipelineRepositorySetting[];
  syncs: Pick<PipelineRepositorySyncs, 'reports'>;
  bus: MessageBus;
  /** The configuration's `secrets` map; GANTRY_SECRET_<REF> variables win over it. */
  secrets?: Readonly<Record<string, string>>;
}

/**
 * Pipelines as code (README "Pipelines from git"): the configured repositories and their sync
 * reports, an on-demand sync, and each repository's push webhook. Syncs run in the workers
 * (message SyncPipelineRepository); these routes only ask for them.
 */
export const pipelineRepositoryRoutes: FastifyPluginAsyncZod<PipelineRepositoryRoutesOptions> = async (app, { repositories, syncs, bus, secrets: secretMap }) => {
  const secrets = secretResolver(secretMap ?? {}, process.env);
  const find = (name: string) => {
    const repository = repositories.find((candidate) => candidate.name === name);
    if (repository === undefined) throw new NotFoundError(`no pipelines repository '${name}' is configured`, { resource: 'pipelineRepository', repository: name });
    return repository;
  };

  // Who reads a report reads what it says of applications: any signed-in user may list the
  // repositories and see each commit's outcome, but only the files of applications they may READ
  // (readableReport); an admin reads every file.
  app.get('/pipelineRepositories', { schema: listRepositoriesSchema, config: signedIn }, async (request) => {
    const readable = await request.readable('application');
    const views = repositories.map(async (repository) => {
      const [last] = await syncs.reports(repository.name, 1);
      return {
        name: repository.name,
        url: redactUrl(repository.url),
        branch: repository.branch,
        path: repository.path,
        intervalSeconds: repository.intervalSeconds,
        webhookPath: `/api/v1/webhooks/pipelines/${encodeURIComponent(repository.name)}`,
        lastSync: last === undefined ? null : readableReport(last, readable),
      };
    });
    return { repositories: await Promise.all(views) };
  });

  app.get('/pipelineRepositories/:repository/syncs', { schema: listSyncsSchema, config: signedIn }, async (request) => {
    const reports = await syncs.reports(find(request.params.repository).name);
    const readable = await request.readable('application');
    return { syncs: reports.map((report) => readableReport(report, readable)) };
  });

  app.post('/pipelineRepositories/:repository/sync', { schema: requestSyncSchema, config: adminOnly }, async (request, reply) => {
    await bus.send({ type: 'SyncPipelineRepository', repository: find(request.params.repository).name });
    return reply.code(202).send({ queued: true as const });
  });

  // The webhook verifies the exact bytes, so it lives in a child plugin that keeps bodies raw.
  await app.register(repositoryWebhookRoutes, { repositories, bus, secrets });
};

const repositoryWebhookRoutes: FastifyPluginAsyncZod<{ repositories: readonly PipelineRepositorySetting[]; bus: MessageBus; secrets: SecretResolver }> = async (
  app,
  { repositories, bus, secrets },
) => {
    captureRawBodies(app);
    app.post('/webhooks/pipelines/:repository', { schema: repositoryWebhookSchema, validatorCompiler: rawBodyValidatorCompiler, config: sender }, async (request, reply) => {
      const raw = rawBodyOf(request.body);
      const headers = request.raw.headers;
      const repository = repositories.find((candidate) => candidate.name === request.params.repository);
      // Proven before anything is said about the repository, so an unknown name and a bad proof look alike to strangers.
      if (request.principal !== undefined) {
        if (!isAdmin(request.principal.roles)) throw new ForbiddenError(`${request.principal.name} lacks the admin role a pipelines repository sync needs`, { missing: ['role admin'] });
      } else {
        const secret = repository?.webhookSecret === undefined ? undefined : secrets(repository.webhookSecret);
        if (repository === undefined || secret === undefined || !provenWith(headers, raw, secret)) {
          throw new UnauthorizedError(`a pipelines repository push must be proven with its webhookSecret (X-Hub-Signature-256, X-Hub-Signature or X-Gitlab-Token) or carry an admin API token`);
        }
      }
      if (repository === undefined) throw new NotFoundError(`no pipelines repository '${request.params.repository}' is configured`, { resource: 'pipelineRepository' });
      const host = hostOf(headers);
      if (host !== undefined) {
        const reading = readGitPush(host, parsePayload(raw, headerValue(headers, 'content-type')), headerValue(headers, host === 'github' ? 'x-github-event' : host === 'gitlab' ? 'x-gitlab-event' : 'x-event-key'));
        if ('ignored' in reading) return reply.code(200).send({ queued: false as const, reason: reading.ignored });
        if (reading.push.branch !== repository.branch) {
          return reply.code(200).send({ queued: false as const, reason: `a push to ${reading.push.branch}, not to ${repository.branch}` });
        }
      }
      await bus.send({ type: 'SyncPipelineRepository', repository: repository.name });
      return reply.code(202).send({ queued: true as const });
    });
};

/**
 * What of a sync report a caller who may READ `readable` applications sees: every file for a caller
 * who may read them all (an admin); otherwise only the files naming an application they may read.
 * A file in error that was not read far enough to name its application (not YAML or JSON, not a
 * pipeline) is withheld from them too, and counted in `withheldFiles`: its path and errors may
 * quote what they may not read. The commit and whether it was applied stay visible to all.
 */
function readableReport(report: SyncReport, readable: typeof ANY | ReadonlySet<string>): SyncReport & { withheldFiles: number } {
  if (readable === ANY) return { ...report, withheldFiles: 0 };
  const files = report.files.filter((file) => file.application !== undefined && readable.has(file.application));
  return { ...report, files, withheldFiles: report.files.length - files.length };
}

/** The host that sent a delivery, by the event header only it sends (none: a plain "sync now" from a script). */
function hostOf(headers: IncomingHttpHeaders): GitSource | undefined {
  if (headers['x-github-event'] !== undefined) return 'github';
  if (headers['x-gitlab-event'] !== undefined) return 'gitlab';
  if (headers['x-event-key'] !== undefined) return 'bitbucket';
  return undefined;
}

function provenWith(headers: IncomingHttpHeaders, raw: Buffer, secret: string): boolean {
  // GitLab sends the secret itself; GitHub and Bitbucket sign the body with it.
  if (headers['x-gitlab-token'] !== undefined) return tokenMatches(headerValue(headers, 'x-gitlab-token'), secret);
  return signedByHost(raw, headers, secret);
}
