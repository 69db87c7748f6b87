import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../apps/api/src';
import { asUser, testAuth } from '../../apps/api/src/testSupport';
import { ExecutionChanges } from '../../packages/store/src';
import { apiStores, startTestGantry, stageOf, type TestGantry } from '../support/gantryHarness';

/** Reads a server-sent event stream until `enough` holds for the events seen, then hangs up. */
async function readEvents(url: string, enough: (events: string[]) => boolean): Promise<string[]> {
  const response = await fetch(url, { headers: asUser() });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  const events: string[] = [];
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const parts = buffer.split('\n\n');
    buffer = parts.pop() ?? '';
    events.push(...parts.filter((part) => part.includes('event: ')));
  }
  await reader.cancel();
  return events;
}

/**
 * GET /executions/:id/stream tells browsers of each change, whichever process made it: here the
 * worker of one Gantry and a judgment answered through a second API process on the same database.
 */
describe('the execution event stream', () => {
  let gantry: TestGantry;
  let other: FastifyInstance;
  let otherUrl: string;

  beforeAll(async () => {
    gantry = await startTestGantry();
    await gantry.api.listen({ port: 0, host: '127.0.0.1' });
    // A second API process: its own server and LISTEN connection, no worker.
    other = buildServer({
      auth: testAuth(gantry.database),
      ...apiStores(gantry.database, gantry.bus),
      readiness: async () => [],
      logger: false,
      executionChanges: new ExecutionChanges(gantry.database.url),
    });
    await other.listen({ port: 0, host: '127.0.0.1' });
    otherUrl = `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
    await gantry.request('GET', '/api/v1/me'); // stores the test token
  });
  afterAll(async () => {
    await other?.close();
    await gantry?.stop();
  });

  it('sends `changed` at once and after the changes another process commits, until the execution ends', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'streams',
      name: 'judged',
      stages: [
        { refId: 'judge', type: 'manualJudgment' },
        { refId: 'after', type: 'wait', waitTime: 0, requisiteStageRefIds: ['judge'] },
      ],
    });
    const executionId = await gantry.trigger(pipelineId);
    await gantry.waitFor(executionId, (execution) => stageOf(execution, 'judge').status === 'RUNNING');

    const first = await readEvents(`${otherUrl}/api/v1/executions/${executionId}/stream`, (events) => events.length >= 1);
    expect(first[0]).toBe(`retry: 2000\nevent: changed\ndata: {"id":"${executionId}"}`);

    // A stream on the second API hears what the first API's judgment and the worker's steps commit.
    const heard = readEvents(`${otherUrl}/api/v1/executions/${executionId}/stream`, (events) => events.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const judged = await gantry.request('POST', `/api/v1/executions/${executionId}/stages/judge/judgment`, { judgmentStatus: 'continue' });
    expect(judged.status).toBe(202);
    expect((await heard).slice(1)).toEqual([`event: changed\ndata: {"id":"${executionId}"}`]);
    expect((await gantry.waitFor(executionId)).status).toBe('SUCCEEDED');
  });

  it('ends its open streams when the server closes, so a shutdown does not wait for browsers', async () => {
    const third = buildServer({
      auth: testAuth(gantry.database),
      ...apiStores(gantry.database, gantry.bus),
      readiness: async () => [],
      logger: false,
      executionChanges: new ExecutionChanges(gantry.database.url),
    });
    await third.listen({ port: 0, host: '127.0.0.1' });
    const executionId = await gantry.trigger(await gantry.savePipeline({ application: 'streams', name: 'short', stages: [{ refId: 'w', type: 'wait', waitTime: 0 }] }));
    const response = await fetch(`http://127.0.0.1:${(third.server.address() as AddressInfo).port}/api/v1/executions/${executionId}/stream`, { headers: asUser() });
    expect(response.status).toBe(200);
    // Nobody reads the stream: the server still closes, and the stream ends.
    await third.close();
    expect(await response.text()).toContain('event: changed');
  });

  it('answers 404 for an unknown execution and 400 for a malformed id, in the error shape', async () => {
    const unknown = await fetch(`${otherUrl}/api/v1/executions/00000000-0000-4000-8000-000000000000/stream`, { headers: asUser() });
    expect(unknown.status).toBe(404);
    const malformed = await fetch(`${otherUrl}/api/v1/executions/nope/stream`, { headers: asUser() });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'VALIDATION' } });
  });
});
