import type { MessageBus } from '@gantry/queue';
import { ANY, withoutTriggerIdentity, type WatchAccounts } from '@gantry/core';
import type { ExecutionCommands, ExecutionRepository, IdempotencyKeys, PipelineRepository } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actingAs, triggerIdentityOf } from '../../actor';
import { adminOnly, signedIn } from '../../auth/access';
import { onExecution, toRunPipeline } from '../../auth/resources';
import { dispatch, dispatchLaunch } from '../../dispatch';
import { answerIdempotently } from '../../idempotency';
import {
  cancelSchema,
  executionEventsSchema,
  getExecutionSchema,
  judgmentSchema,
  listExecutionsSchema,
  overrideFreezeSchema,
  patchStageSchema,
  pauseSchema,
  restartStageSchema,
  resumeSchema,
  skipWaitSchema,
  triggerSchema,
} from './schemas';

export interface ExecutionRoutesOptions {
  executions: ExecutionRepository;
  /** Where a trigger finds what it needs permission for (the pipeline's application and accounts). */
  pipelines: Pick<PipelineRepository, 'get'>;
  /** The drift watches' accounts, which a syncManifests stage naming a watch acts in. */
  watchAccounts?: WatchAccounts;
  commands: ExecutionCommands;
  bus: MessageBus;
  /** Where Idempotency-Keys of triggers are remembered; without it the header is not honoured. */
  idempotencyKeys?: IdempotencyKeys;
}

/**
 * Triggering, reading and steering executions. The trigger lives here although its URL starts with
 * /pipelines: it creates an execution. Every state change answers 202 once its messages are sent.
 */
export const executionRoutes: FastifyPluginAsyncZod<ExecutionRoutesOptions> = async (app, options) => {
  const { executions, commands, bus } = options;
  const read = onExecution(executions, 'READ');
  const execute = onExecution(executions, 'EXECUTE');

  app.post('/pipelines/:id/executions', { schema: triggerSchema, config: toRunPipeline(options.pipelines, options.watchAccounts) }, async (request, reply) => {
    const { parameters = {}, trigger = {} } = request.body ?? {};
    // A manual trigger records who pressed the button: the authenticated caller, whatever the body claims.
    const identity = triggerIdentityOf(request);
    return answerIdempotently(request, reply, options.idempotencyKeys, async (launchKey) => {
      const launched = await executions.launch({
        pipelineId: request.params.id,
        trigger: { ...withoutTriggerIdentity(trigger), type: 'manual', ...identity },
        parameters,
        actor: identity.user,
        ...(launchKey === undefined ? {} : { idempotencyKey: launchKey }),
      });
      return { statusCode: 202, body: await dispatchLaunch(bus, launched, request.log) };
    });
  });

  app.get('/executions', { schema: listExecutionsSchema, config: signedIn }, async (request) => {
    const { application, pipelineId, status, cursor, limit } = request.query;
    const page = await executions.list({ application, pipelineId, statuses: status, cursor, limit });
    // Filtered after paging: a page may hold fewer than `limit`, its cursor still leads on.
    const readable = await request.readable('application');
    return readable === ANY ? page : { ...page, executions: page.executions.filter((execution) => readable.has(execution.application)) };
  });

  app.get('/executions/:id', { schema: getExecutionSchema, config: read }, async (request) => executions.get(request.params.id));

  app.get('/executions/:id/events', { schema: executionEventsSchema, config: read }, async (request) => {
    return { events: await executions.audit(request.params.id) };
  });

  app.post('/executions/:id/cancel', { schema: cancelSchema, config: execute }, async (request, reply) => {
    const input = { ...actingAs(request), reason: request.body?.reason };
    return reply.code(202).send(await dispatch(bus, await commands.cancel(request.params.id, input)));
  });

  app.post('/executions/:id/pause', { schema: pauseSchema, config: execute }, async (request, reply) => {
    const input = actingAs(request);
    return reply.code(202).send(await dispatch(bus, await commands.pause(request.params.id, input)));
  });

  app.post('/executions/:id/resume', { schema: resumeSchema, config: execute }, async (request, reply) => {
    const input = actingAs(request);
    return reply.code(202).send(await dispatch(bus, await commands.resume(request.params.id, input)));
  });

  app.post('/executions/:id/stages/:stageId/restart', { schema: restartStageSchema, config: execute }, async (request, reply) => {
    const { id, stageId } = request.params;
    const stage = await dispatch(bus, await commands.restartStage(id, stageId, actingAs(request)));
    return reply.code(202).send(stage);
  });

  app.post('/executions/:id/stages/:stageId/skip', { schema: skipWaitSchema, config: execute }, async (request, reply) => {
    const { id, stageId } = request.params;
    const stage = await dispatch(bus, await commands.skipWait(id, stageId, actingAs(request)));
    return reply.code(202).send(stage);
  });

  app.post('/executions/:id/stages/:stageId/judgment', { schema: judgmentSchema, config: execute }, async (request, reply) => {
    const { id, stageId } = request.params;
    const { judgmentStatus, judgmentInput } = request.body;
    const input = { ...actingAs(request), judgmentStatus, judgmentInput };
    return reply.code(202).send(await dispatch(bus, await commands.judge(id, stageId, input)));
  });

  // Breaking a freeze is for admins only: a team that may run its pipelines may not lift the freeze on them.
  app.post('/executions/:id/stages/:stageId/overrideFreeze', { schema: overrideFreezeSchema, config: adminOnly }, async (request, reply) => {
    const { id, stageId } = request.params;
    const input = { ...actingAs(request), reason: request.body.reason };
    return reply.code(202).send(await dispatch(bus, await commands.overrideFreeze(id, stageId, input)));
  });

  app.patch('/executions/:id/stages/:stageId', { schema: patchStageSchema, config: execute }, async (request, reply) => {
    const { id, stageId } = request.params;
    const { judgmentStatus, judgmentInput } = request.body;
    const actor = actingAs(request);
    // The schema admits exactly one of the two shapes.
    const result = judgmentStatus
      ? await commands.judge(id, stageId, { ...actor, judgmentStatus, judgmentInput })
      : await commands.skipWait(id, stageId, actor);
    return reply.code(202).send(await dispatch(bus, result));
  });
};
