import { EMPTY_DEPLOY_POLICY } from '@gantry/core';
import { ArtifactAccounts } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { SYSTEM_CLOCK, type TaskContext, type TaskImplementation, type TaskResult, type TaskServices } from './Task';

/** Test-only: builds TaskContexts and replays results the way the engine's RunTask handler does. */

export interface ContextOverrides {
  execution?: Partial<TaskContext['execution']>;
  stage?: Partial<TaskContext['stage']>;
  task?: Partial<TaskContext['task']>;
  services?: Partial<Omit<TaskServices, 'webhook'>> & { webhook?: Partial<TaskServices['webhook']> };
}

export function makeTaskContext(overrides: ContextOverrides = {}): TaskContext {
  const now = new Date();
  const { webhook, ...services } = overrides.services ?? {};
  return {
    execution: {
      id: 'exec-1',
      application: 'checkout',
      pipelineId: 'pipe-1',
      pipelineName: 'deploy-prod',
      trigger: { type: 'manual', user: 'alice' },
      parameters: {},
      stages: {},
      ...overrides.execution,
    },
    stage: {
      id: 'stage-1',
      refId: 'stage1',
      type: 'test',
      name: 'test stage',
      context: {},
      outputs: {},
      attempt: 1,
      startTime: now,
      ...overrides.stage,
    },
    task: { id: 'task-1', name: 'test', state: {}, polls: 0, startTime: now, ...overrides.task },
    services: {
      startPipeline: () => Promise.reject(new Error('startPipeline is not set up in this test')),
      getExecutionOutcome: () => Promise.reject(new Error('getExecutionOutcome is not set up in this test')),
      latestExecution: () => Promise.reject(new Error('latestExecution is not set up in this test')),
      pipelines: {
        find: () => Promise.reject(new Error('pipelines are not set up in this test')),
        save: () => Promise.reject(new Error('pipelines are not set up in this test')),
      },
      fetch: globalThis.fetch,
      secrets: () => undefined,
      providers: {
        forAccount: (name) => {
          throw new Error(`providers are not set up in this test (account ${name})`);
        },
        accounts: () => [],
      },
      knownHealthyServerGroups: async () => new Set<string>(),
      policy: EMPTY_DEPLOY_POLICY,
      jenkins: () => undefined,
      artifacts: new ArtifactAccounts({ accounts: {}, secret: () => undefined }),
      metricsAccount: () => undefined,
      canaryConfig: async () => undefined,
      clock: SYSTEM_CLOCK,
      drift: {
        watch: () => undefined,
        desired: () => Promise.reject(new Error('drift is not set up in this test')),
        observe: () => Promise.reject(new Error('drift is not set up in this test')),
        check: () => Promise.reject(new Error('drift is not set up in this test')),
      },
      ...services,
      webhook: { allowedHosts: [], timeoutMs: 5_000, ...webhook },
    },
  };
}

/** The context of the next run of the same task after `result`: state fed back, outputs merged shallowly. */
export function nextRun(ctx: TaskContext, result: TaskResult): TaskContext {
  return {
    ...ctx,
    stage: { ...ctx.stage, outputs: { ...ctx.stage.outputs, ...result.outputs } },
    task: { ...ctx.task, state: result.state ?? ctx.task.state, polls: ctx.task.polls + 1 },
  };
}

/** The context of the stage's next task after `result` completed the previous one. */
export function nextTask(ctx: TaskContext, result: TaskResult, name: string): TaskContext {
  return {
    ...ctx,
    stage: { ...ctx.stage, outputs: { ...ctx.stage.outputs, ...result.outputs } },
    task: { id: `${ctx.task.id}+`, name, state: {}, polls: 0, startTime: new Date() },
  };
}

/** Re-runs a polling task as the engine would (without the delays) until it completes. */
export async function runUntilComplete(
  task: TaskImplementation,
  ctx: TaskContext,
  maxRuns = 50,
): Promise<{ result: TaskResult; ctx: TaskContext; runs: number; outputs: JsonObject }> {
  let current = ctx;
  for (let runs = 1; runs <= maxRuns; runs++) {
    const result = await task.run(current);
    const after = nextRun(current, result);
    if (result.status !== 'RUNNING') return { result, ctx: after, runs, outputs: after.stage.outputs };
    current = after;
  }
  throw new Error(`${task.name} still RUNNING after ${maxRuns} runs`);
}
