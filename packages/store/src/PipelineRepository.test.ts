import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, parsePipelineDefinition, type PipelineDefinition } from '@gantry/core';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { PIPELINE_DELETED, PIPELINE_SAVED, PipelineRepository } from './PipelineRepository';

let database: TestDatabase;
let repository: PipelineRepository;

beforeAll(async () => {
  database = await createTestDatabase();
  repository = new PipelineRepository(database.db.prisma);
});

afterAll(async () => {
  await database?.drop();
});

function definition(application: string, name: string, waitTime = 5): PipelineDefinition {
  return parsePipelineDefinition({ application, name, stages: [{ refId: 'wait', type: 'wait', waitTime }] });
}

async function auditOf(pipelineId: string): Promise<{ type: string; actor: string | null; data: unknown }[]> {
  return database.db.prisma.auditEvent.findMany({
    where: { pipelineId },
    orderBy: { id: 'asc' },
    select: { type: true, actor: true, data: true },
  });
}

async function versionRows(pipelineId: string): Promise<number> {
  return database.db.prisma.pipelineVersion.count({ where: { pipelineId } });
}

describe('PipelineRepository', () => {
  it('creates version 1 with its version row and audit event', async () => {
    const created = await repository.create(definition('shop', 'create-me'), 'alice');
    expect(created).toMatchObject({ application: 'shop', name: 'create-me', version: 1 });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.definition).toMatchObject({ application: 'shop', name: 'create-me', stages: [{ refId: 'wait' }] });
    expect(await repository.get(created.id)).toEqual(created);
    expect(await repository.listVersions(created.id)).toEqual([
      { pipelineId: created.id, version: 1, definition: created.definition, createdBy: 'alice', createdAt: created.createdAt },
    ]);
    expect(await auditOf(created.id)).toEqual([{ type: PIPELINE_SAVED, actor: 'alice', data: { version: 1 } }]);
  });

  it('refuses a second live pipeline with the same application and name', async () => {
    const first = await repository.create(definition('shop', 'twice'));
    await expect(repository.create(definition('shop', 'twice'))).rejects.toBeInstanceOf(ConflictError);
    expect(await versionRows(first.id)).toBe(1);
    expect(await auditOf(first.id)).toHaveLength(1);
    // The same name in another application is another pipeline.
    await expect(repository.create(definition('billing', 'twice'))).resolves.toMatchObject({ version: 1 });
  });

  it('appends an immutable version on every update, newest first in the history', async () => {
    const created = await repository.create(definition('shop', 'history', 1));
    const second = await repository.update(created.id, definition('shop', 'history', 2), 'bob');
    const third = await repository.update(created.id, definition('shop', 'history', 3), undefined, 2);
    expect([second.version, third.version]).toEqual([2, 3]);
    expect(third.createdAt).toEqual(created.createdAt);
    expect(third.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    const history = await repository.listVersions(created.id);
    expect(history.map((v) => [v.version, v.createdBy])).toEqual([
      [3, null],
      [2, 'bob'],
      [1, null],
    ]);
    expect((await repository.getVersion(created.id, 1)).definition).toEqual(created.definition);
    expect((await repository.get(created.id)).definition).toEqual(third.definition);
    await expect(repository.getVersion(created.id, 4)).rejects.toBeInstanceOf(NotFoundError);
    expect((await auditOf(created.id)).map((event) => event.data)).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('refuses an update against a stale expected version and stores nothing', async () => {
    const created = await repository.create(definition('shop', 'stale'));
    await repository.update(created.id, definition('shop', 'stale', 9));
    const error = await repository.update(created.id, definition('shop', 'stale', 10), 'carol', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
    expect(await versionRows(created.id)).toBe(2);
    expect((await repository.get(created.id)).version).toBe(2);
  });

  it('renames only to a free application/name', async () => {
    const a = await repository.create(definition('shop', 'rename-a'));
    await repository.create(definition('shop', 'rename-b'));
    await expect(repository.update(a.id, definition('shop', 'rename-b'))).rejects.toBeInstanceOf(ConflictError);
    expect(await versionRows(a.id)).toBe(1);

    const renamed = await repository.update(a.id, definition('payments', 'rename-c'));
    expect(renamed).toMatchObject({ id: a.id, application: 'payments', name: 'rename-c', version: 2 });
    expect(await repository.findByName('shop', 'rename-a')).toBeNull();
    expect((await repository.findByName('payments', 'rename-c'))?.id).toBe(a.id);
  });

  it('soft-deletes: reads say not found, rows and audit stay, a second delete is not found', async () => {
    const created = await repository.create(definition('shop', 'doomed'));
    await repository.delete(created.id, 'dave');
    await expect(repository.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repository.listVersions(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repository.getVersion(created.id, 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repository.update(created.id, definition('shop', 'doomed'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(repository.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repository.findByName('shop', 'doomed')).toBeNull();
    expect((await repository.list({ application: 'shop' })).map((p) => p.id)).not.toContain(created.id);
    expect(await versionRows(created.id)).toBe(1);
    const row = await database.db.prisma.pipeline.findUnique({ where: { id: created.id } });
    expect(row?.deletedAt).toBeInstanceOf(Date);
    expect((await auditOf(created.id)).at(-1)).toEqual({ type: PIPELINE_DELETED, actor: 'dave', data: { version: 1 } });
  });

  it('revives a deleted pipeline saved again under its name, keeping id and history', async () => {
    const created = await repository.create(definition('shop', 'phoenix', 1));
    await repository.delete(created.id);
    const revived = await repository.create(definition('shop', 'phoenix', 2), 'erin');
    expect(revived).toMatchObject({ id: created.id, version: 2 });
    expect((await repository.listVersions(created.id)).map((v) => v.version)).toEqual([2, 1]);
    expect((await repository.get(created.id)).definition).toEqual(revived.definition);
  });

  it('refuses to rename onto the name a deleted pipeline still holds', async () => {
    const ghost = await repository.create(definition('shop', 'ghost'));
    await repository.delete(ghost.id);
    const other = await repository.create(definition('shop', 'not-ghost'));
    const error = await repository.update(other.id, definition('shop', 'ghost')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/deleted pipeline/);
  });

  it('answers not found for unknown and malformed ids without touching the database with them', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "'; DROP TABLE pipelines; --"]) {
      await expect(repository.get(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repository.listVersions(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repository.getVersion(id, 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repository.update(id, definition('shop', 'x'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(repository.delete(id)).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('lists live pipelines by application, ordered by name', async () => {
    await repository.create(definition('listing', 'b'));
    await repository.create(definition('listing', 'a'));
    const gone = await repository.create(definition('listing', 'c'));
    await repository.delete(gone.id);
    expect((await repository.list({ application: 'listing' })).map((p) => p.name)).toEqual(['a', 'b']);
    const all = await repository.list();
    expect(all.map((p) => p.application)).toContain('listing');
    expect(all.map((p) => p.application)).toContain('shop');
    expect(all.every((p) => p.definition.name === p.name)).toBe(true);
  });

  it('gives concurrent saves of one pipeline consecutive versions', async () => {
    const created = await repository.create(definition('shop', 'busy'));
    const saved = await Promise.all(
      [1, 2, 3, 4, 5].map((waitTime) => repository.update(created.id, definition('shop', 'busy', waitTime))),
    );
    expect(saved.map((p) => p.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6]);
    expect((await repository.get(created.id)).version).toBe(6);
    expect(await versionRows(created.id)).toBe(6);
  });

  it('lets exactly one of concurrent creates of the same name win', async () => {
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => repository.create(definition('shop', 'race'))));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost.every((reason) => reason instanceof ConflictError)).toBe(true);
  });

  it('writes nothing when any part of a save fails', async () => {
    const created = await repository.create(definition('shop', 'atomic'));
    // Make the audit insert (the last write of a save) fail for this pipeline only.
    await database.db.pool.query(`
      CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.pipeline_id = '${created.id}' THEN RAISE EXCEPTION 'audit refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit();`);
    try {
      await expect(repository.update(created.id, definition('shop', 'atomic', 7), 'fay')).rejects.toThrow(/audit refused/);
      await expect(repository.delete(created.id)).rejects.toThrow(/audit refused/);
    } finally {
      await database.db.pool.query('DROP TRIGGER refuse_audit ON audit_events; DROP FUNCTION refuse_audit();');
    }
    expect(await repository.get(created.id)).toEqual(created);
    expect(await versionRows(created.id)).toBe(1);
  });
});
