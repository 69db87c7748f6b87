import type { ExecutionDetail } from '../../packages/store/src';
import type { TestGantry } from './gantryHarness';

/** Pipelines for the end-to-end tests of the cloud providers (aws, gcp): stages in one region of an account. */

export interface Region {
  account: string;
  region: string;
}

/** A highlander deploy stage of `application-stack` in Spinnaker's field names. */
export function regionDeployStage(where: Region, application: string, stack: string, image: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    refId: 'deploy',
    type: 'deploy',
    waitForUpTimeoutSec: 30,
    cluster: { ...where, application, stack, strategy: 'highlander', image, capacity: { min: 2, max: 2, desired: 2 }, settings },
    ...extra,
  };
}

/** A bake stage of `package` at the pipeline's `version` parameter, then a deploy of what it baked. */
export function bakeThenDeploy(where: Region, bake: Record<string, unknown>, application: string, stack: string, settings: Record<string, unknown>) {
  return [
    { refId: 'bake', type: 'bake', requisiteStageRefIds: [], ...where, version: '${parameters.version}', ...bake },
    regionDeployStage(where, application, stack, '${stages.bake.outputs.imageId}', settings, { requisiteStageRefIds: ['bake'] }),
  ];
}

export type PipelineRun = (parameters?: Record<string, unknown>) => Promise<ExecutionDetail>;

/** Saves a pipeline of `application` with these stages; answers a function that triggers it and waits for the end. */
export async function savedPipeline(gantry: TestGantry, application: string, stages: unknown[], timeoutMs = 90_000): Promise<PipelineRun> {
  const id = await gantry.savePipeline({
    application,
    name: `p-${Math.random().toString(36).slice(2, 10)}`,
    parameters: [{ name: 'version', default: '1' }],
    stages,
  });
  return async (parameters = {}) => gantry.waitFor(await gantry.trigger(id, parameters), undefined, timeoutMs);
}

/** The execution's status with each failed stage's error, so a failed run says why in the assertion's diff. */
export function outcomeOf(execution: ExecutionDetail): { status: string; errors: Record<string, unknown> } {
  return { status: execution.status, errors: Object.fromEntries(execution.stages.filter((stage) => stage.error).map((stage) => [stage.refId, stage.error])) };
}

export const SUCCEEDED = { status: 'SUCCEEDED', errors: {} };

export interface ServerGroupView {
  name: string;
  enabled: boolean;
  image: string;
  health: { desired: number; up: number; down: number; unknown: number };
}

/** A cluster's live server groups as the API lists them (newest first, with health). */
export async function liveServerGroups(gantry: TestGantry, where: Region, application: string, cluster: string): Promise<ServerGroupView[]> {
  const url = `/api/v1/applications/${application}/clusters/${cluster}/serverGroups?account=${where.account}&location=${where.region}`;
  const response = await gantry.request<{ serverGroups: ServerGroupView[] }>('GET', url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.serverGroups;
}

export interface AuditEvent {
  type: string;
  data: Record<string, unknown>;
}

/** The execution's audit trail, as the API answers it. */
export async function auditEvents(gantry: TestGantry, executionId: string): Promise<AuditEvent[]> {
  const response = await gantry.request<{ events: AuditEvent[] }>('GET', `/api/v1/executions/${executionId}/events`);
  if (response.status !== 200) throw new Error(`GET events of ${executionId}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.events;
}
