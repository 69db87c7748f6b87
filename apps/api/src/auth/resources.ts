import { permissionsToRun, type Action, type Permission, type WatchAccounts } from '@gantry/core';
import type { ExecutionRepository, PipelineRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import { needs } from './access';

/**
 * The access declarations of routes about one application, and how each finds its application
 * (a path parameter, the body, the stored pipeline or execution). An unknown id answers 404 from
 * here, as the handler would.
 */
const onApp = (name: string, action: Action): Permission => ({ kind: 'application', name, action });

export function onApplication(action: Action, applicationOf: (request: FastifyRequest) => string) {
  return needs(`${action} on the application`, (request) => [onApp(applicationOf(request), action)]);
}

/** `action` on the application named by the `:app` path parameter. */
export function onApplicationInPath(action: Action) {
  return onApplication(action, (request) => (request.params as { app: string }).app);
}

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

/** `action` on the application of the pipeline in the path (and on `alsoOn`'s applications). */
export function onPipeline(pipelines: Pick<PipelineRepository, 'get'>) {
  return (action: Action, alsoOn: (request: FastifyRequest) => string[] = () => []) =>
    needs(`${action} on the pipeline's application`, async (request) => {
      const { application } = await pipelines.get(idOf(request));
      return [...new Set([application, ...alsoOn(request)])].map((name) => onApp(name, action));
    });
}

/** `action` on the application of the execution in the path. */
export function onExecution(executions: Pick<ExecutionRepository, 'get'>, action: Action) {
  return needs(`${action} on the execution's application`, async (request) => [onApp((await executions.get(idOf(request))).application, action)]);
}

/** Starting a pipeline: EXECUTE on its application and on every account its stages deploy to (the `local` one included, a drift watch's too). */
export function toRunPipeline(pipelines: Pick<PipelineRepository, 'get'>, watchAccounts?: WatchAccounts) {
  return needs("EXECUTE on the pipeline's application and on each account its stages use", async (request) => {
    const { application, definition } = await pipelines.get(idOf(request));
    return permissionsToRun(application, Array.isArray(definition.stages) ? definition.stages : [], watchAccounts);
  });
}
