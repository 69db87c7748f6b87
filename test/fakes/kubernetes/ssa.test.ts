/** Server-side apply on the fake: field managers recorded, fields a manager stops applying removed, no-op applies not written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from './index';
import { raw } from './testSupport';

let fake: FakeKubernetes;
beforeAll(async () => {
  fake = await startFakeKubernetes();
});
afterAll(async () => {
  await fake.close();
});

const path = '/api/v1/namespaces/ns1/configmaps/settings';
const apply = (config: Record<string, unknown>, manager = 'gantry') =>
  raw(fake.url, 'PATCH', `${path}?fieldManager=${manager}&force=true`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', ...config.metadata as object }, data: config.data }), 'application/apply-patch+yaml');

describe('server-side apply', () => {
  it('creates, records the manager, and removes what the manager no longer applies', async () => {
    const created = await apply({ metadata: { labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ managedFields: [{ manager: 'gantry', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:x': {}, 'f:y': {} } } }] });

    const updated = await apply({ metadata: { labels: { a: '1' } }, data: { x: '3' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ metadata: { labels: { a: '1' } }, data: { x: '3' } });
    expect((updated.body.metadata as { labels: Record<string, string> }).labels).not.toHaveProperty('b');
    expect(updated.body.data).toEqual({ x: '3' });
  });

  it('keeps fields another manager applied, and writes nothing for a repeat', async () => {
    await apply({ data: { z: 'other' } }, 'someone-else');
    const again = await apply({ metadata: { labels: { a: '1' } }, data: { x: '3' } });
    const repeated = await apply({ metadata: { labels: { a: '1' } }, data: { x: '3' } });
    expect(repeated.body.data).toEqual({ x: '3', z: 'other' });
    expect((repeated.body.metadata as { resourceVersion: string }).resourceVersion).toBe((again.body.metadata as { resourceVersion: string }).resourceVersion);
    expect((repeated.body.metadata as { managedFields: { manager: string }[] }).managedFields.map((entry) => entry.manager).sort()).toEqual(['gantry', 'someone-else']);
  });

  it('lets a full update (PUT) drop another manager\'s field, keeping the entries of what is left', async () => {
    const put = await raw(fake.url, 'PUT', `${path}?fieldManager=gantry`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', labels: { a: '1' } }, data: { x: '4' } }));
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ x: '4' });
    const managed = (put.body.metadata as { managedFields: { manager: string; fieldsV1: unknown }[] }).managedFields;
    expect(managed.find((entry) => entry.manager === 'gantry')?.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:data': { 'f:x': {} } });
    expect(managed.find((entry) => entry.manager === 'someone-else')?.fieldsV1).not.toHaveProperty('f:data');
  });

  it('requires a field manager', async () => {
    const refused = await raw(fake.url, 'PATCH', path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }), 'application/apply-patch+yaml');
    expect(refused.status).toBe(400);
  });
});
