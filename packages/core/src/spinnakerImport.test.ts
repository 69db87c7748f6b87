import { describe, expect, it } from 'vitest';
import type { Grant } from './authorization';
import { comparableDocument, gantryApplicationName, grantsFromSpinnakerPermissions, importMarkOf, importedPipeline, matchStoredPipeline, rolesToUpdate } from './spinnakerImport';

describe('gantryApplicationName', () => {
  it('lower-cases (Spinnaker compares names case-blind) and drops the "_" and "." front50 admits, keeping "-"', () => {
    expect(gantryApplicationName('app')).toEqual({ ok: true, name: 'app', changed: false });
    expect(gantryApplicationName('MyApp')).toEqual({ ok: true, name: 'myapp', changed: true });
    expect(gantryApplicationName('hello-world_v2.web')).toEqual({ ok: true, name: 'hello-worldv2web', changed: true });
    expect(gantryApplicationName('composition-app')).toEqual({ ok: true, name: 'composition-app', changed: false });
  });

  it('refuses, saying why, a name that still is not one', () => {
    const mapped = gantryApplicationName('9lives');
    expect(mapped.ok).toBe(false);
    expect(mapped.ok ? '' : mapped.reason).toBe('"9lives" cannot be a Gantry application name (lower-case letters and digits, starting with a letter, with single "-" between them), even without "_" and "."');
  });
});

describe('grantsFromSpinnakerPermissions', () => {
  it('makes one grant per role with the actions Spinnaker lists for it', () => {
    const permissions = { EXECUTE: ['admin-group'], READ: ['admin-group', 'user-group'], WRITE: ['admin-group'] };
    expect(grantsFromSpinnakerPermissions('app', permissions)).toEqual({
      grants: [
        { role: 'admin-group', kind: 'application', name: 'app', actions: ['READ', 'WRITE', 'EXECUTE'] },
        { role: 'user-group', kind: 'application', name: 'app', actions: ['READ'] },
      ],
      notes: [],
    });
  });

  it("gives READ roles EXECUTE when no EXECUTE list is given (Fiat's executeFallback)", () => {
    const mapped = grantsFromSpinnakerPermissions('app', { READ: ['dev'], WRITE: ['ops'] });
    expect(mapped.grants).toEqual([
      { role: 'dev', kind: 'application', name: 'app', actions: ['READ', 'EXECUTE'] },
      { role: 'ops', kind: 'application', name: 'app', actions: ['WRITE'] },
    ]);
    expect(mapped.notes).toEqual(["no EXECUTE list: its READ roles get EXECUTE, as Fiat's default executeFallback (READ) gave them"]);
  });

  it('grants nothing for an application open to all in Spinnaker, and says so', () => {
    for (const permissions of [undefined, {}, { READ: [] }, 'junk']) {
      const mapped = grantsFromSpinnakerPermissions('app', permissions);
      expect(mapped.grants).toEqual([]);
      expect(mapped.notes).toHaveLength(1);
    }
  });
});

describe('rolesToUpdate', () => {
  const grant = (role: string, name: string, actions: Grant['actions']): Grant => ({ role, kind: 'application', name, actions });

  it("keeps a role's other grants, replaces its grant on the application, and leaves out roles already holding it", () => {
    const existing = [grant('dev', 'other', ['READ']), grant('dev', 'app', ['READ']), grant('ops', 'app', ['WRITE', 'READ'])];
    const updates = rolesToUpdate(existing, [grant('dev', 'app', ['READ', 'EXECUTE']), grant('ops', 'app', ['READ', 'WRITE']), grant('new', 'app', ['READ'])]);
    expect([...updates.keys()]).toEqual(['dev', 'new']);
    expect(updates.get('dev')).toEqual([grant('dev', 'other', ['READ']), grant('dev', 'app', ['READ', 'EXECUTE'])]);
    expect(updates.get('new')).toEqual([grant('new', 'app', ['READ'])]);
  });
});

describe('the import mark', () => {
  const document = { id: 'pipeline1', application: 'app', name: 'derp1', stages: [{ refId: '1', type: 'wait', waitTime: 30 }], updateTs: '1526578883109', lastModifiedBy: 'a@b' };

  it('compares documents whatever their key order and front50 bookkeeping', () => {
    const resaved = { index: 3, updateTs: '1700000000000', lastModifiedBy: 'someone', stages: [{ type: 'wait', waitTime: 30, refId: '1' }], name: 'derp1', application: 'app', id: 'pipeline1' };
    expect(comparableDocument(resaved)).toBe(comparableDocument(document));
    expect(comparableDocument({ ...document, stages: [{ refId: '1', type: 'wait', waitTime: 45 }] })).not.toBe(comparableDocument(document));
  });

  it('is saved with the document and read back; a stored pipeline matches by Spinnaker id first, then by name', () => {
    const mark = { system: 'spinnaker' as const, id: 'pipeline1', digest: 'd1' };
    const saved = importedPipeline(document, 'app', mark);
    expect(importMarkOf(saved)).toEqual(mark);
    expect(importMarkOf({ name: 'mine' })).toBeUndefined();
    const stored = [
      { name: 'derp1', definition: { name: 'derp1' } },
      { name: 'old name', definition: saved },
    ];
    expect(matchStoredPipeline(stored, { id: 'pipeline1', name: 'derp1' })?.name).toBe('old name');
    expect(matchStoredPipeline(stored, { id: 'elsewhere', name: 'derp1' })?.name).toBe('derp1');
    expect(matchStoredPipeline(stored, { name: 'none' })).toBeUndefined();
  });
});
