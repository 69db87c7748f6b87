import { ANY, PolicyViolationError, ValidationError, abTestRoutingIssues, abTestRoutingRefusal, checkPipelineLock, compatibilityReport, parsePipelineDefinition, saveRuleViolations, type PipelineDefinition, type PolicyAccount, type SaveRule, type TrafficRouter, type WatchAccounts } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { AuthStore, PipelineRepository } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { savedBy } from '../../actor';
import { signedIn } from '../../auth/access';
import { onApplication, onPipeline } from '../../auth/resources';
import { checkRunAs } from '../../auth/runAs';
import { parseBodyWith } from '../../validation/validatorCompiler';
import { definitionBefore, requestCronSync } from './cronSync';
import {
  createPipelineSchema,
  deletePipelineSchema,
  getPipelineSchema,
  getVersionSchema,
  listPipelinesSchema,
  listVersionsSchema,
  updatePipelineSchema,
  validatePipelineSchema,
} from './schemas';

export interface PipelineRoutesOptions {
  pipelines: PipelineRepository;
  /** Where cron schedule syncs are requested after a save or delete. */
  bus: MessageBus;
  /** The deploy policy's save-time rules, and the accounts (with their tags) they read; default none. */
  saveRules?: { rules: readonly SaveRule[]; accounts(): readonly PolicyAccount[]; watchAccounts?: WatchAccounts };
  /** The traffic router of a cluster on an account (undefined: unknown account), for stages that route by request. */
  routerOf?: (account: string, cluster: string) => TrafficRouter | undefined;
  /** The service accounts a trigger's runAsUser may name (none with authentication off). */
  serviceAccounts?: Pick<AuthStore, 'serviceAccount'>;
}

// parsePipelineDefinition checks what the schema cannot (refIds, requisites, cycles, stage types)
// and reports all of it in one answer.
const parseDefinition = parseBodyWith(parsePipelineDefinition);

/** CRUD of pipelines and their version history under /pipelines. */
export const pipelineRoutes: FastifyPluginAsyncZod<PipelineRoutesOptions> = async (app, { pipelines, bus, saveRules, routerOf, serviceAccounts }) => {
  const onPipelineOf = onPipeline(pipelines);
  const writeBody = onApplication('WRITE', (request) => (request.body as { application: string }).application);

  /** Refuses a definition the deploy policy's rules do not admit (422 naming each rule), before anything is stored. */
  function checkSaveRules(definition: PipelineDefinition): void {
    if (saveRules === undefined) return;
    const violations = saveRuleViolations(saveRules.rules, definition, saveRules.accounts(), saveRules.watchAccounts);
    if (violations.length === 0) return;
    const message = violations.map((violation) => `${violation.rule}: ${violation.message}`).join('; ');
    throw new PolicyViolationError(`the deploy policy refuses this pipeline: ${message}`, { violations });
  }

  /** Refuses an abTest stage whose rules its cluster's router cannot carry (400 naming each field). */
  function checkRouting(definition: PipelineDefinition): void {
    if (routerOf === undefined) return;
    const issues = abTestRoutingIssues(definition.stages, routerOf);
    if (issues.length > 0) throw new ValidationError(abTestRoutingRefusal(issues), issues);
  }

  app.post('/pipelines', { schema: createPipelineSchema, validatorCompiler: parseDefinition, config: writeBody }, async (request, reply) => {
    checkSaveRules(request.body);
    checkRouting(request.body);
    await checkRunAs(request.principal, request.body, serviceAccounts);
    const pipeline = await pipelines.create(request.body, savedBy(request));
    await requestCronSync(bus, pipeline.id, [pipeline.definition], request.log);
    return reply.code(201).send(pipeline);
  });

  // The report reveals no more than a save's answer would, so it needs what the save needs. The
  // application as saving reads it (Spinnaker's names in any case).
  const writeDocument = onApplication('WRITE', (request) => (request.body as { application: string }).application.toLowerCase());
  app.post('/pipelines/validate', { schema: validatePipelineSchema, config: writeDocument }, async (request) => compatibilityReport(request.body));

  // Both applications: moving a pipeline needs WRITE where it is and where it goes.
  const writeBoth = onPipelineOf('WRITE', (request) => [(request.body as { application: string }).application]);
  app.put('/pipelines/:id', { schema: updatePipelineSchema, validatorCompiler: parseDefinition, config: writeBoth }, async (request) => {
    checkSaveRules(request.body);
    checkRouting(request.body);
    await checkRunAs(request.principal, request.body, serviceAccounts);
    // The version before, too: removing a pipeline's last cron trigger must remove its schedule.
    const before = await definitionBefore(pipelines, request.params.id);
    checkPipelineLock(before, request.body);
    const pipeline = await pipelines.update(request.params.id, request.body, savedBy(request), request.query.expectedVersion);
    await requestCronSync(bus, pipeline.id, [before, pipeline.definition], request.log);
    return pipeline;
  });

  app.get('/pipelines', { schema: listPipelinesSchema, config: signedIn }, async (request) => {
    const listed = await pipelines.list({ application: request.query.application });
    const readable = await request.readable('application');
    return { pipelines: readable === ANY ? listed : listed.filter((pipeline) => readable.has(pipeline.application)) };
  });

  const read = onPipelineOf('READ');
  app.get('/pipelines/:id', { schema: getPipelineSchema, config: read }, async (request) => pipelines.get(request.params.id));

  app.get('/pipelines/:id/versions', { schema: listVersionsSchema, config: read }, async (request) => {
    return { versions: await pipelines.listVersions(request.params.id) };
  });

  app.get('/pipelines/:id/versions/:version', { schema: getVersionSchema, config: read }, async (request) => {
    return pipelines.getVersion(request.params.id, request.params.version);
  });

  app.delete('/pipelines/:id', { schema: deletePipelineSchema, config: onPipelineOf('WRITE') }, async (request, reply) => {
    const before = await definitionBefore(pipelines, request.params.id);
    checkPipelineLock(before, undefined);
    await pipelines.delete(request.params.id, savedBy(request));
    await requestCronSync(bus, request.params.id, [before], request.log);
    return reply.code(204).send();
  });
};
