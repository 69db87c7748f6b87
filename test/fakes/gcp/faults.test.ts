/** Injected failures as the client library meets them, and the raw error JSON on the wire. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from './server';
import { clientsFor, closeClients, gceError, REGION, templateBody, untilDone, type Clients } from './testSupport';

let fake: FakeGcp;
let gce: Clients;
const project = 'gantry-test';

beforeAll(async () => {
  fake = await startFakeGcp({ operationDelayMs: 0 });
  gce = clientsFor(fake);
});

afterEach(() => fake.clearFaults());

afterAll(async () => {
  await closeClients(gce);
  await fake.close();
});

describe('faults', () => {
  it('a plain request gets Google JSON errors with code, message, errors[].reason and status', async () => {
    const response = await fetch(`${fake.url}/compute/v1/projects/${project}/regions/${REGION}/instanceGroupManagers/missing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const message = `The resource 'projects/${project}/regions/${REGION}/instanceGroupManagers/missing' was not found`;
    expect(await response.json()).toEqual({ error: { code: 404, message, errors: [{ message, domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' } });
    const otherProject = await fetch(`${fake.url}/compute/v1/projects/someone-else/global/images`);
    expect(otherProject.status).toBe(404);
    const badJson = await fetch(`${fake.url}/compute/v1/projects/${project}/global/images`, { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
  });

  it('throttling answers 429 rateLimitExceeded (the client does not retry it)', async () => {
    fake.setThrottleRate(1);
    const throttled = await gceError(gce.templates.list({ project }));
    expect(throttled.code).toBe(429);
    expect(throttled.error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] });
    fake.setThrottleRate(0);
    await expect(gce.templates.list({ project })).resolves.toBeDefined();
  });

  it('interruptAfter lets N calls through, fails the next once with 503 backendError, then recovers', async () => {
    fake.interruptAfter(1);
    await gce.templates.list({ project });
    const interrupted = await gceError(gce.templates.list({ project }));
    expect(interrupted.code).toBe(503);
    expect(interrupted.error.errors[0]?.reason).toBe('backendError');
    await expect(gce.templates.list({ project })).resolves.toBeDefined();
  });

  it('injectFault fails matching calls a number of times, with the reason asked for', async () => {
    fake.injectFault({ method: 'POST', pathPattern: /\/instanceTemplates$/, status: 403, times: 2, reason: 'forbidden' });
    for (let i = 0; i < 2; i++) expect((await gceError(gce.templates.insert({ project, instanceTemplateResource: templateBody('f-v001') }))).code).toBe(403);
    const done = await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody('f-v001') }));
    expect(done.status).toBe('DONE');
    fake.injectFault({ pathPattern: /\/operations\//, status: 503, times: 1 });
    const [started] = await gce.templates.delete({ project, instanceTemplate: 'f-v001' });
    const operation = started.latestResponse as { name: string };
    expect((await gceError(gce.globalOperations.wait({ project, operation: operation.name }))).code).toBe(503);
    const [after] = await gce.globalOperations.wait({ project, operation: operation.name });
    expect(after.status).toBe('DONE');
  });

  it('records the requests as sent, with the two-character body of calls without one', async () => {
    await gce.migs.resize({ project, region: REGION, instanceGroupManager: 'nope', size: 2 }).catch(() => undefined);
    const last = fake.requests().at(-1);
    expect(last).toEqual({ method: 'POST', path: `/compute/v1/projects/${project}/regions/${REGION}/instanceGroupManagers/nope/resize?size=2`, body: '""' });
  });
});
