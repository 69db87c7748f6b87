import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ConflictError, NotFoundError, ValidationError, isComplete, type Status } from '@gantry/core';
import type { EngineMessage, MessageBus, OutgoingMessage } from '@gantry/queue';
import {
  type Actor,
  type AuditEventRecord,
  type CommandResult,
  type ExecutionCommands,
  type ExecutionDetail,
  type ExecutionFilter,
  type ExecutionPage,
  type ExecutionRepository,
  type ExecutionSummary,
  type LaunchRequest,
  type StageView,
} from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/testDatabase';
import { TEST_USER, asUser, buildTestServer, injectJson } from '../../testSupport';

// In-memory stand-ins for the engine's store and queue: they check routing, status codes, error
// mapping and that what a command returns is sent. The real engine is covered end to end elsewhere.

const KNOWN_PIPELINE = '0b6f4a0e-5d8e-4e8f-9a43-0c6c1a3b7e11';
const LIMITED_PIPELINE = '1c7e5b1f-6e9f-4f90-8b54-1d7d2b4c8f22';

function stage(refId: string, type: string, status: Status): StageView {
  return {
    id: `${refId}-0000-4000-8000-000000000000`.slice(0, 36),
    refId,
    type,
    name: refId,
    status,
    requisiteStageRefIds: [],
    context: {},
    outputs: { said: 'hi' },
    attempt: 1,
    error: null,
    startTime: new Date('2030-01-01T00:00:00.000Z'),
    endTime: null,
    tasks: [
      {
        id: 'task-1',
        name: type,
        status,
        attempt: 1,
        index: 0,
        retries: 0,
        onFailure: false,
        error: null,
        startTime: new Date('2030-01-01T00:00:01.000Z'),
        endTime: null,
      },
    ],
  };
}

class FakeExecutions implements ExecutionRepository {
  readonly byId = new Map<string, ExecutionDetail>();
  launches: LaunchRequest[] = [];
  lists: ExecutionFilter[] = [];
  private next = 1;

  async launch(request: LaunchRequest): Promise<CommandResult<ExecutionDetail>> {
    this.launches.push(request);
    if (request.pipelineId === LIMITED_PIPELINE) throw new ConflictError('already running and limitConcurrent is set');
    if (request.pipelineId !== KNOWN_PIPELINE) throw new NotFoundError(`pipeline ${request.pipelineId} not found`);
    if (request.parameters.version === undefined) {
      throw new ValidationError('missing parameter', [{ path: ['parameters', 'version'], message: 'required' }]);
    }
    const id = `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
    const execution: ExecutionDetail = {
      id,
      pipelineId: request.pipelineId,
      pipelineVersion: 3,
      application: 'shop',
      name: 'deploy',
      status: 'RUNNING',
      trigger: request.trigger,
      parameters: request.parameters,
      parentExecutionId: null,
      canceled: false,
      canceledBy: null,
      cancellationReason: null,
      pausedBy: null,
      pauseTime: null,
      buildTime: new Date('2030-01-01T00:00:00.000Z'),
      startTime: null,
      endTime: null,
      stages: [stage('wait', 'wait', 'RUNNING'), stage('judge', 'manualJudgment', 'NOT_STARTED')],
    };
    this.byId.set(id, execution);
    return { value: execution, messages: [{ type: 'StartExecution', executionId: id }] };
  }

  async get(id: string): Promise<ExecutionDetail> {
    const execution = this.byId.get(id);
    if (!execution) throw new NotFoundError(`execution ${id} not found`);
    return execution;
  }

  async list(filter: ExecutionFilter): Promise<ExecutionPage> {
    this.lists.push(filter);
    const executions = [...this.byId.values()].map(({ stages: _stages, ...summary }) => summary);
    return { executions, nextCursor: executions.length > 0 ? 'next-page' : null };
  }

  async audit(executionId: string): Promise<AuditEventRecord[]> {
    await this.get(executionId);
    return [
      {
        id: '1',
        executionId,
        pipelineId: KNOWN_PIPELINE,
        stageId: null,
        type: 'EXECUTION_STARTED',
        actor: 'alice',
        data: {},
        createdAt: new Date('2030-01-01T00:00:00.000Z'),
      },
    ];
  }
}

type Call = { command: string; executionId: string; stage?: string; input: Actor & Record<string, unknown> };

class FakeCommands implements ExecutionCommands {
  calls: Call[] = [];

  constructor(private readonly executions: FakeExecutions) {}

  async cancel(executionId: string, input: Actor & { reason?: string }): Promise<CommandResult<ExecutionSummary>> {
    const execution = await this.record('cancel', executionId, undefined, input);
    if (isComplete(execution.status)) throw new ConflictError(`execution ${executionId} is already ${execution.status}`);
    execution.canceled = true;
    execution.canceledBy = input.user ?? null;
    execution.cancellationReason = input.reason ?? null;
    return { value: summaryOf(execution), messages: [{ type: 'CancelExecution', executionId }] };
  }

  async pause(executionId: string, input: Actor): Promise<CommandResult<ExecutionSummary>> {
    const execution = await this.record('pause', executionId, undefined, input);
    if (execution.status !== 'RUNNING') throw new ConflictError(`execution ${executionId} is ${execution.status}, not RUNNING`);
    execution.status = 'PAUSED';
    execution.pausedBy = input.user ?? null;
    return { value: summaryOf(execution), messages: [] };
  }

  async resume(executionId: string, input: Actor): Promise<CommandResult<ExecutionSummary>> {
    const execution = await this.record('resume', executionId, undefined, input);
    if (execution.status !== 'PAUSED') throw new ConflictError(`execution ${executionId} is not PAUSED`);
    execution.status = 'RUNNING';
    const messages: EngineMessage[] = execution.stages.map((s) => ({ type: 'ResumeStage', executionId, stageId: s.id }));
    return { value: summaryOf(execution), messages };
  }

  async restartStage(executionId: string, stageRef: string, input: Actor): Promise<CommandResult<StageView>> {
    const found = await this.stageOf('restartStage', executionId, stageRef, input);
    return { value: found, messages: [{ type: 'RestartStage', executionId, stageId: found.id }] };
  }

  async skipWait(executionId: string, stageRef: string, input: Actor): Promise<CommandResult<StageView>> {
    const found = await this.stageOf('skipWait', executionId, stageRef, input);
    if (found.type !== 'wait') throw new ConflictError(`stage ${stageRef} is not a wait stage`);
    return { value: found, messages: [{ type: 'RunTask', executionId, stageId: found.id, taskId: 'task-1' }] };
  }

  async overrideFreeze(executionId: string, stageRef: string, input: Actor & { reason: string }): Promise<CommandResult<StageView>> {
    const found = await this.stageOf('overrideFreeze', executionId, stageRef, input);
    return { value: found, messages: [{ type: 'RunTask', executionId, stageId: found.id, taskId: 'task-1' }] };
  }

  async judge(
    executionId: string,
    stageRef: string,
    input: Actor & { judgmentStatus: 'continue' | 'stop'; judgmentInput?: string },
  ): Promise<CommandResult<StageView>> {
    const found = await this.stageOf('judge', executionId, stageRef, input);
    if (found.type !== 'manualJudgment') throw new ConflictError(`stage ${stageRef} awaits no judgment`);
    return { value: found, messages: [{ type: 'ResumeStage', executionId, stageId: found.id }] };
  }

  private async record(command: string, executionId: string, stageRef: string | undefined, input: object) {
    this.calls.push({ command, executionId, ...(stageRef === undefined ? {} : { stage: stageRef }), input: { ...input } });
    return this.executions.get(executionId);
  }

  private async stageOf(command: string, executionId: string, stageRef: string, input: object): Promise<StageView> {
    const execution = await this.record(command, executionId, stageRef, input);
    const found = execution.stages.find((s) => s.id === stageRef || s.refId === stageRef);
    if (!found) throw new NotFoundError(`execution ${executionId} has no stage ${stageRef}`);
    return found;
  }
}

function summaryOf({ stages: _stages, ...summary }: ExecutionDetail): ExecutionSummary {
  return summary;
}

class RecordingBus implements MessageBus {
  sent: EngineMessage[] = [];
  async send(message: EngineMessage): Promise<void> {
    this.sent.push(message);
  }
  async sendAll(messages: OutgoingMessage[]): Promise<void> {
    this.sent.push(...messages.map((m) => m.message));
  }
  async inFlight(): Promise<EngineMessage[]> {
    return [];
  }
  async close(): Promise<void> {}
}

let database: TestDatabase;
let app: FastifyInstance;
let executions: FakeExecutions;
let commands: FakeCommands;
let bus: RecordingBus;

beforeAll(async () => {
  database = await createTestDatabase();
});

beforeEach(async () => {
  await app?.close();
  executions = new FakeExecutions();
  commands = new FakeCommands(executions);
  bus = new RecordingBus();
  app = buildTestServer(database, { executions, commands, bus });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

function send(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse> {
  return injectJson(app, method, url, body, headers);
}

function errorOf(response: LightMyRequestResponse): { code: string; message: string; details: { issues?: { path: unknown[] }[] } } {
  return response.json().error;
}

async function launch(): Promise<string> {
  const response = await send('POST', `/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, { parameters: { version: '1.2.3' } });
  expect(response.statusCode).toBe(202);
  bus.sent = [];
  commands.calls = [];
  return response.json().id;
}

describe('POST /pipelines/:id/executions', () => {
  it('launches a manual execution, sends its messages and answers 202 with its id', async () => {
    const response = await send(
      'POST',
      `/api/v1/pipelines/${KNOWN_PIPELINE}/executions`,
      { parameters: { version: '1.2.3' }, trigger: { user: 'mallory', note: 'hotfix', type: 'cron' } },
      { ...asUser('alice'), 'idempotency-key': 'deploy-42' },
    );
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({ id: expect.any(String), status: 'RUNNING', pipelineId: KNOWN_PIPELINE });
    expect(body.stages[0]).toMatchObject({ refId: 'wait', outputs: { said: 'hi' }, startTime: '2030-01-01T00:00:00.000Z' });
    expect(body.stages[0].tasks[0]).toMatchObject({ name: 'wait', status: 'RUNNING' });
    expect(executions.launches).toEqual([
      {
        pipelineId: KNOWN_PIPELINE,
        // The token names the user, whatever the body claims; a trigger cannot claim to be another kind.
        trigger: { user: 'alice', userRoles: ['admin'], note: 'hotfix', type: 'manual' },
        parameters: { version: '1.2.3' },
        actor: 'alice',
        idempotencyKey: 'deploy-42',
      },
    ]);
    expect(bus.sent).toEqual([{ type: 'StartExecution', executionId: body.id }]);
  });

  it('records the authenticated caller as the trigger user: neither the body nor X-Gantry-User can name another', async () => {
    await send('POST', `/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, {
      parameters: { version: '1' },
      trigger: { user: 'bob' },
    });
    await send('POST', `/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, { parameters: { version: '1' } }, { 'x-gantry-user': 'bob' });
    expect(executions.launches.map((l) => l.trigger.user)).toEqual([TEST_USER, TEST_USER]);
    expect(executions.launches.map((l) => l.actor)).toEqual([TEST_USER, TEST_USER]);
  });

  it('maps the store refusing the launch to 404, 409 and 400, sending nothing', async () => {
    const unknown = await send('POST', '/api/v1/pipelines/9d3c0f4e-1111-4222-8333-944455566677/executions', {});
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).code).toBe('NOT_FOUND');

    const busy = await send('POST', `/api/v1/pipelines/${LIMITED_PIPELINE}/executions`, { parameters: { version: '1' } });
    expect(busy.statusCode).toBe(409);
    expect(errorOf(busy)).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('limitConcurrent') });

    // No body at all is a launch without parameters (here the fake requires one).
    const missing = await send('POST', `/api/v1/pipelines/${KNOWN_PIPELINE}/executions`);
    expect(missing.statusCode).toBe(400);
    expect(errorOf(missing).details.issues?.[0]?.path).toEqual(['parameters', 'version']);
    expect(bus.sent).toEqual([]);
  });

  it('refuses a malformed trigger body or pipeline id before reaching the store', async () => {
    for (const [url, body, path] of [
      [`/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, { params: { version: '1' } }, []],
      [`/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, { parameters: ['1'] }, ['parameters']],
      [`/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, { trigger: { user: 7 } }, ['trigger', 'user']],
      ['/api/v1/pipelines/deploy-prod/executions', {}, ['id']],
    ] as const) {
      const response = await send('POST', url, body);
      expect(response.statusCode, response.body).toBe(400);
      expect(errorOf(response).code).toBe('VALIDATION');
      expect(errorOf(response).details.issues?.[0]?.path).toEqual(path);
    }
    const badJson = await send('POST', `/api/v1/pipelines/${KNOWN_PIPELINE}/executions`, '{"parameters": {');
    expect(badJson.statusCode).toBe(400);
    expect(errorOf(badJson).code).toBe('BAD_JSON');
    expect(executions.launches).toEqual([]);
  });
});

describe('reading executions', () => {
  it('GET /executions/:id returns stages, tasks, outputs and timings; 404 unknown; 400 malformed id', async () => {
    const id = await launch();
    const found = await send('GET', `/api/v1/executions/${id}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({
      id,
      buildTime: '2030-01-01T00:00:00.000Z',
      stages: [{ refId: 'wait', tasks: [{ startTime: '2030-01-01T00:00:01.000Z' }] }, { refId: 'judge' }],
    });
    expect((await send('GET', '/api/v1/executions/00000000-0000-4000-8000-999999999999')).statusCode).toBe(404);
    const malformed = await send('GET', '/api/v1/executions/42');
    expect(malformed.statusCode).toBe(400);
    expect(errorOf(malformed).details.issues?.[0]?.path).toEqual(['id']);
  });

  it('GET /executions passes filters through and returns a page', async () => {
    await launch();
    const response = await send(
      'GET',
      `/api/v1/executions?application=shop&pipelineId=${KNOWN_PIPELINE}&status=RUNNING,TERMINAL&cursor=abc&limit=10`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ executions: [{ status: 'RUNNING' }], nextCursor: 'next-page' });
    expect(response.json().executions[0].stages).toBeUndefined();
    expect(executions.lists).toEqual([
      { application: 'shop', pipelineId: KNOWN_PIPELINE, statuses: ['RUNNING', 'TERMINAL'], cursor: 'abc', limit: 10 },
    ]);
    await send('GET', '/api/v1/executions?status=SUCCEEDED&status=CANCELED');
    await send('GET', '/api/v1/executions');
    expect(executions.lists.slice(1).map((f) => f.statuses)).toEqual([['SUCCEEDED', 'CANCELED'], undefined]);
  });

  it('GET /executions refuses bad filters naming the parameter', async () => {
    for (const [query, path] of [
      ['status=RUNNING,DONE', ['status', 1]],
      ['status=', ['status']],
      ['limit=0', ['limit']],
      ['limit=501', ['limit']],
      ['limit=ten', ['limit']],
      ['pipelineId=deploy', ['pipelineId']],
    ] as const) {
      const response = await send('GET', `/api/v1/executions?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(errorOf(response).details.issues?.[0]?.path, query).toEqual(path);
    }
    expect(executions.lists).toEqual([]);
  });

  it('GET /executions/:id/events returns the audit trail', async () => {
    const id = await launch();
    const response = await send('GET', `/api/v1/executions/${id}/events`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      events: [
        {
          id: '1',
          executionId: id,
          pipelineId: KNOWN_PIPELINE,
          stageId: null,
          type: 'EXECUTION_STARTED',
          actor: 'alice',
          data: {},
          createdAt: '2030-01-01T00:00:00.000Z',
        },
      ],
    });
    expect((await send('GET', '/api/v1/executions/00000000-0000-4000-8000-999999999999/events')).statusCode).toBe(404);
  });
});

describe('execution control', () => {
  it('cancel passes user and reason, sends the messages, answers 202; a second cancel of a finished one is 409', async () => {
    const id = await launch();
    const response = await send('POST', `/api/v1/executions/${id}/cancel`, { reason: 'wrong build' }, asUser('carol'));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ id, canceled: true, canceledBy: 'carol', cancellationReason: 'wrong build' });
    expect(commands.calls).toEqual([{ command: 'cancel', executionId: id, input: { user: 'carol', reason: 'wrong build' } }]);
    expect(bus.sent).toEqual([{ type: 'CancelExecution', executionId: id }]);

    executions.byId.get(id)!.status = 'CANCELED';
    bus.sent = [];
    const again = await send('POST', `/api/v1/executions/${id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('CONFLICT');
    expect(bus.sent).toEqual([]);
  });

  it('cancel accepts no body, an empty JSON body, or an empty object', async () => {
    const id = await launch();
    for (const payload of [undefined, '', '{}']) {
      executions.byId.get(id)!.status = 'RUNNING';
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/executions/${id}/cancel`,
        ...(payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload }),
      });
      expect(response.statusCode, String(payload)).toBe(202);
    }
    expect(commands.calls.map((c) => c.input)).toEqual([
      { user: TEST_USER, reason: undefined },
      { user: TEST_USER, reason: undefined },
      { user: TEST_USER, reason: undefined },
    ]);
    const typo = await send('POST', `/api/v1/executions/${id}/cancel`, { reasn: 'typo' });
    expect(typo.statusCode).toBe(400);
  });

  it('pause and resume answer 202 and send what the command returned; a refused pause is 409', async () => {
    const id = await launch();
    const paused = await send('POST', `/api/v1/executions/${id}/pause`, undefined, asUser('dan'));
    expect(paused.statusCode).toBe(202);
    expect(paused.json()).toMatchObject({ id, status: 'PAUSED', pausedBy: 'dan' });
    expect(bus.sent).toEqual([]);

    const twice = await send('POST', `/api/v1/executions/${id}/pause`);
    expect(twice.statusCode).toBe(409);

    const resumed = await send('POST', `/api/v1/executions/${id}/resume`);
    expect(resumed.statusCode).toBe(202);
    expect(resumed.json().status).toBe('RUNNING');
    expect(bus.sent.map((m) => m.type)).toEqual(['ResumeStage', 'ResumeStage']);
    expect(commands.calls.map((c) => [c.command, c.input.user])).toEqual([
      ['pause', 'dan'],
      ['pause', TEST_USER],
      ['resume', TEST_USER],
    ]);
  });

  it('unknown executions are 404 for every command', async () => {
    const id = '00000000-0000-4000-8000-999999999999';
    for (const [method, url, body] of [
      ['POST', `/api/v1/executions/${id}/cancel`, undefined],
      ['POST', `/api/v1/executions/${id}/pause`, undefined],
      ['POST', `/api/v1/executions/${id}/resume`, undefined],
      ['POST', `/api/v1/executions/${id}/stages/wait/restart`, undefined],
      ['POST', `/api/v1/executions/${id}/stages/wait/skip`, undefined],
      ['POST', `/api/v1/executions/${id}/stages/judge/judgment`, { judgmentStatus: 'continue' }],
      ['PATCH', `/api/v1/executions/${id}/stages/judge`, { judgmentStatus: 'continue' }],
    ] as const) {
      const response = await send(method, url, body);
      expect(response.statusCode, url).toBe(404);
      expect(errorOf(response).code).toBe('NOT_FOUND');
    }
    expect(bus.sent).toEqual([]);
  });

  it('restart and skip address a stage by refId or id and send the messages', async () => {
    const id = await launch();
    const waitStage = executions.byId.get(id)!.stages[0]!;
    const restarted = await send('POST', `/api/v1/executions/${id}/stages/wait/restart`, undefined, asUser('erin'));
    expect(restarted.statusCode).toBe(202);
    expect(restarted.json()).toMatchObject({ refId: 'wait', tasks: [{ name: 'wait' }] });
    const skipped = await send('POST', `/api/v1/executions/${id}/stages/${waitStage.id}/skip`);
    expect(skipped.statusCode).toBe(202);
    expect(commands.calls).toEqual([
      { command: 'restartStage', executionId: id, stage: 'wait', input: { user: 'erin' } },
      { command: 'skipWait', executionId: id, stage: waitStage.id, input: { user: TEST_USER } },
    ]);
    expect(bus.sent.map((m) => m.type)).toEqual(['RestartStage', 'RunTask']);

    const notAWait = await send('POST', `/api/v1/executions/${id}/stages/judge/skip`);
    expect(notAWait.statusCode).toBe(409);
    expect((await send('POST', `/api/v1/executions/${id}/stages/nope/restart`)).statusCode).toBe(404);
  });

  it('judgment passes status and input; a bad status names the field', async () => {
    const id = await launch();
    const judged = await send(
      'POST',
      `/api/v1/executions/${id}/stages/judge/judgment`,
      { judgmentStatus: 'stop', judgmentInput: 'rollback' },
      asUser('fay'),
    );
    expect(judged.statusCode).toBe(202);
    expect(commands.calls).toEqual([
      { command: 'judge', executionId: id, stage: 'judge', input: { user: 'fay', judgmentStatus: 'stop', judgmentInput: 'rollback' } },
    ]);
    expect(bus.sent).toEqual([{ type: 'ResumeStage', executionId: id, stageId: executions.byId.get(id)!.stages[1]!.id }]);

    for (const body of [{ judgmentStatus: 'maybe' }, {}, undefined]) {
      const bad = await send('POST', `/api/v1/executions/${id}/stages/judge/judgment`, body);
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).code).toBe('VALIDATION');
    }
    const bad = await send('POST', `/api/v1/executions/${id}/stages/judge/judgment`, { judgmentStatus: 'maybe' });
    expect(errorOf(bad).details.issues?.[0]?.path).toEqual(['judgmentStatus']);
    expect(commands.calls).toHaveLength(1);
  });

  it("PATCH a stage the Spinnaker way: a judgment or skipRemainingWait, exactly one", async () => {
    const id = await launch();
    const judged = await send('PATCH', `/api/v1/executions/${id}/stages/judge`, {
      judgmentStatus: 'continue',
      judgmentInput: 'ok',
      lastModifiedBy: 'deck',
    });
    expect(judged.statusCode).toBe(202);
    const skipped = await send('PATCH', `/api/v1/executions/${id}/stages/wait`, { skipRemainingWait: true });
    expect(skipped.statusCode).toBe(202);
    expect(commands.calls.map((c) => [c.command, c.stage, c.input])).toEqual([
      ['judge', 'judge', { user: TEST_USER, judgmentStatus: 'continue', judgmentInput: 'ok' }],
      ['skipWait', 'wait', { user: TEST_USER }],
    ]);
    expect(bus.sent.map((m) => m.type)).toEqual(['ResumeStage', 'RunTask']);

    for (const body of [{}, { skipRemainingWait: false }, { judgmentStatus: 'continue', skipRemainingWait: true }]) {
      const bad = await send('PATCH', `/api/v1/executions/${id}/stages/wait`, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorOf(bad).code).toBe('VALIDATION');
    }
    expect(commands.calls).toHaveLength(2);
  });
});
