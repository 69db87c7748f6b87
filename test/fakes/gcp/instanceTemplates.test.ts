/** Instance templates and operations through the real InstanceTemplatesClient / GlobalOperationsClient. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from './server';
import { clientsFor, closeClients, gceError, templateBody, untilDone, type Clients, type Operation } from './testSupport';

let fake: FakeGcp;
let gce: Clients;
const project = 'gantry-test';

beforeAll(async () => {
  // Long enough that the insert's answer is still PENDING on a loaded machine; one wait pays it.
  fake = await startFakeGcp({ operationDelayMs: 300 });
  gce = clientsFor(fake);
});

afterAll(async () => {
  await closeClients(gce);
  await fake.close();
});

describe('instance templates', () => {
  it('insert answers a PENDING operation that wait brings to DONE, and get sees the template', async () => {
    const [started] = await gce.templates.insert({ project, instanceTemplateResource: templateBody('web-v001') });
    const operation = started.latestResponse as Operation;
    expect(operation).toMatchObject({ kind: 'compute#operation', status: 'PENDING', operationType: 'compute.instanceTemplates.insert' });
    expect(operation.targetLink).toBe(`https://www.googleapis.com/compute/v1/projects/${project}/global/instanceTemplates/web-v001`);
    expect(operation.region).toBeUndefined();

    const [done] = await gce.globalOperations.wait({ project, operation: operation.name ?? '' });
    expect(done).toMatchObject({ status: 'DONE', progress: 100 });
    expect(done.error).toBeUndefined();

    const [template] = await gce.templates.get({ project, instanceTemplate: 'web-v001' });
    expect(template).toMatchObject({ kind: 'compute#instanceTemplate', name: 'web-v001', properties: { machineType: 'e2-small', labels: { app: 'checkout' } } });
    expect(template.selfLink).toBe(operation.targetLink);
    expect(template.id).toMatch(/^\d+$/);
  });

  it('get and list of operations show the same operation; delete removes it', async () => {
    const operation = await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody('ops-v001') }));
    const [fetched] = await gce.globalOperations.get({ project, operation: operation.name ?? '' });
    expect(fetched).toMatchObject({ name: operation.name, status: 'DONE' });
    const [listed] = await gce.globalOperations.list({ project });
    expect(listed.map((op) => op.name)).toContain(operation.name);
    await gce.globalOperations.delete({ project, operation: operation.name ?? '' });
    expect((await gceError(gce.globalOperations.get({ project, operation: operation.name ?? '' }))).code).toBe(404);
  });

  it('a taken name is 409 alreadyExists at once', async () => {
    await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody('dup-v001') }));
    const failure = await gceError(gce.templates.insert({ project, instanceTemplateResource: templateBody('dup-v001') }));
    expect(failure.code).toBe(409);
    expect(failure.error).toMatchObject({ code: 409, status: 'ALREADY_EXISTS', errors: [{ reason: 'alreadyExists', domain: 'global' }] });
    expect(failure.error.message).toBe(`The resource 'projects/${project}/global/instanceTemplates/dup-v001' already exists`);
  });

  it('delete removes it; get is then 404 notFound', async () => {
    await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody('gone-v001') }));
    const deleted = await untilDone(gce, gce.templates.delete({ project, instanceTemplate: 'gone-v001' }));
    expect(deleted).toMatchObject({ status: 'DONE', operationType: 'compute.instanceTemplates.delete' });
    const failure = await gceError(gce.templates.get({ project, instanceTemplate: 'gone-v001' }));
    expect(failure.code).toBe(404);
    expect(failure.error.errors[0]?.reason).toBe('notFound');
    expect((await gceError(gce.templates.delete({ project, instanceTemplate: 'gone-v001' }))).code).toBe(404);
  });

  it('rejects bad names and label values with 400 invalid naming the field', async () => {
    const badName = await gceError(gce.templates.insert({ project, instanceTemplateResource: templateBody('Web_v1') }));
    expect(badName.code).toBe(400);
    expect(badName.error.errors[0]?.reason).toBe('invalid');
    expect(badName.error.message).toContain("Invalid value for field 'resource.name': 'Web_v1'");
    const body = templateBody('labels-v001');
    body.properties.labels = { app: 'Checkout' };
    const badLabel = await gceError(gce.templates.insert({ project, instanceTemplateResource: body }));
    expect(badLabel.code).toBe(400);
    expect(badLabel.error.message).toContain("'resource.properties.labels.app': 'Checkout'");
    const noMachine = await gceError(gce.templates.insert({ project, instanceTemplateResource: { name: 'bare-v001', properties: {} } }));
    expect(noMachine.error.message).toContain('resource.properties.machineType');
  });

  it('lists templates, filtered by name, page by page', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody(name) }));
    const [filtered] = await gce.templates.list({ project, filter: 'name = "page-*"' });
    expect(filtered.map((t) => t.name)).toEqual(['page-a', 'page-b', 'page-c']);
    const [firstPage, , response] = await gce.templates.list({ project, filter: 'name eq page-.*', maxResults: 2 }, { autoPaginate: false });
    expect(firstPage.map((t) => t.name)).toEqual(['page-a', 'page-b']);
    expect(response?.nextPageToken).toBeTruthy();
    const [all] = await gce.templates.list({ project, filter: 'name eq page-.*', maxResults: 2 });
    expect(all).toHaveLength(3);
    const [none] = await gce.templates.list({ project, filter: 'name = "nothing"' });
    expect(none).toEqual([]);
  });

  it('replays the first operation for a retried insert with the same requestId', async () => {
    const requestId = '8d3c1f2e-4b5a-4c6d-9e8f-0a1b2c3d4e5f';
    const first = await untilDone(gce, gce.templates.insert({ project, requestId, instanceTemplateResource: templateBody('retry-v001') }));
    const [again] = await gce.templates.insert({ project, requestId, instanceTemplateResource: templateBody('retry-v001') });
    expect((again.latestResponse as { name: string }).name).toBe(first.name);
  });
});
