import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsOf, requestsFor, type FuzzRequest, type Operation } from '../support/fuzzRequests';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * Every route of the API, taken from its own OpenAPI document, gets generated requests (seeded,
 * so a failure replays): plausible ones with one thing broken, hostile strings, numbers and
 * nesting, malformed JSON and odd content types. None may answer 5xx.
 */
const SEED = 20261205;
const REQUESTS = 3_320;

let gantry: TestGantry;
let operations: Operation[];
const known: Record<string, string[]> = {};

beforeAll(async () => {
  gantry = await startTestGantry({ worker: false, webhooks: true });
  const pipeline = (name: string) => ({
    application: 'fuzz',
    name,
    stages: [
      { refId: 'a', type: 'wait', waitTime: 30 },
      { refId: 'b', type: 'manualJudgment', requisiteStageRefIds: ['a'], judgmentInputs: [{ value: 'ok' }] },
    ],
  });
  const pipelineIds = [await gantry.savePipeline(pipeline('one')), await gantry.savePipeline(pipeline('two'))];
  const executionId = await gantry.trigger(pipelineIds[0]!);
  const execution = await gantry.request<{ stages: { id: string }[] }>('GET', `/api/v1/executions/${executionId}`);
  // Values the generators use for parameters and fields of these names, so requests reach past "not found".
  Object.assign(known, {
    id: [...pipelineIds, executionId],
    pipelineId: pipelineIds,
    stageId: execution.body.stages.map((stage) => stage.id),
    app: ['fuzz'],
    application: ['fuzz'],
    cluster: ['fuzz-main'],
    version: ['1'],
    source: ['github', 'fuzz'],
    master: ['ci'],
    'x-jenkins-master': ['ci'],
    'POST /api/v1/webhooks/jenkins': [
      JSON.stringify({ name: 'build', url: 'job/build/', build: { number: 7, phase: 'COMPLETED', status: 'SUCCESS', full_url: 'http://ci/job/build/7/' } }),
    ],
    'POST /api/v1/pipelines': [JSON.stringify(pipeline('three'))],
    'PUT /api/v1/pipelines/{id}': [JSON.stringify(pipeline('one'))],
  });
  const document = await gantry.request<Parameters<typeof operationsOf>[0]>('GET', '/docs/json');
  operations = operationsOf(document.body);
}, 60_000);

afterAll(async () => {
  await gantry?.stop();
});

describe('API fuzzing', () => {
  it(`answers ${REQUESTS} generated requests over every route without a single 5xx`, async () => {
    expect(operations.length).toBeGreaterThan(20);
    const document = (await gantry.request<Parameters<typeof operationsOf>[0]>('GET', '/docs/json')).body;
    const requests = fc.sample(
      fc.oneof(...operations.map((operation) => requestsFor(operation, document, known))),
      { seed: SEED, numRuns: REQUESTS },
    );
    const failures: string[] = [];
    const statuses = new Map<string, Map<number, number>>();
    let refusedUnauthenticated = 0;
    for (const request of requests) {
      const status = await send(request);
      if (status.code >= 500) failures.push(`${status.code} ${request.method} ${request.url.slice(0, 200)} ${(request.payload ?? '').slice(0, 200)} → ${status.body.slice(0, 300)}`);
      if (request.credentials !== 'admin') {
        if (status.code === 401) refusedUnauthenticated += 1;
        continue;
      }
      const counts = statuses.get(request.operation) ?? new Map<number, number>();
      counts.set(status.code, (counts.get(status.code) ?? 0) + 1);
      statuses.set(request.operation, counts);
    }
    expect(failures).toEqual([]);
    expect(refusedUnauthenticated).toBeGreaterThan(REQUESTS / 20);
    // Every documented route was exercised, and each answered something besides "bad request"
    // at least once: the generated requests reach its handler.
    for (const operation of operations) {
      const counts = statuses.get(`${operation.method} ${operation.path}`);
      expect(counts, `${operation.method} ${operation.path}`).toBeDefined();
      const total = [...counts!.values()].reduce((sum, count) => sum + count, 0);
      expect(total, `${operation.method} ${operation.path}`).toBeGreaterThanOrEqual(20);
      expect([...counts!.keys()].some((code) => code !== 400 && code !== 413 && code !== 415), `${operation.method} ${operation.path}: ${JSON.stringify([...counts!])}`).toBe(true);
    }
  }, 600_000);
});

async function send(request: FuzzRequest): Promise<{ code: number; body: string }> {
  // The harness's inject sends an admin token unless the request names its own Authorization.
  const authorization = { admin: {}, none: { authorization: undefined }, bogus: { authorization: 'Bearer not-a-token-0123456789' } }[request.credentials];
  const response = await gantry.api.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: { ...request.headers, ...authorization },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  return { code: response.statusCode, body: response.body };
}
