/** The patch algorithms and selector parsing on their own, for the cases the API tests do not reach. */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { matchesRequirements, parseLabelSelector, selectorString } from './selectors';
import { KubeError } from './status';

describe('merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});

describe('strategic merge patch', () => {
  const first: JsonObject = { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] };
  const spec: JsonObject = { containers: [first, { name: 'b', image: 'b:1' }] };

  it('merges containers and env by name, appends new ones, replaces lists without a merge key', () => {
    const patched = strategicMergePatch(spec, {
      containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], args: ['--new'] }, { name: 'c', image: 'c:1' }],
    });
    expect(patched).toEqual({
      containers: [
        { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], args: ['--new'] },
        { name: 'b', image: 'b:1' },
        { name: 'c', image: 'c:1' },
      ],
    });
  });

  it('honours $patch: delete in a list and $patch: replace on a map', () => {
    expect(strategicMergePatch(spec, { containers: [{ name: 'b', $patch: 'delete' }] })).toEqual({ containers: [first] });
    expect(strategicMergePatch({ labels: { a: '1', b: '2' } }, { labels: { $patch: 'replace', c: '3' } })).toEqual({ labels: { c: '3' } });
  });
});

describe('json patch (RFC 6902)', () => {
  const doc = { a: { b: [1, 2] }, c: 'x' };

  it('applies add, remove, replace, move, copy and test without touching the input', () => {
    const result = jsonPatch(doc, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'add', path: '/a/b/0', value: 0 },
      { op: 'remove', path: '/a/b/1' },
      { op: 'replace', path: '/c', value: 'y' },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e~1f' },
      { op: 'test', path: '/c', value: 'y' },
    ]);
    expect(result).toEqual({ a: { b: [0, 2, 3] }, c: 'y', 'e/f': 'y' });
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
  });

  it('fails with a Status error on a missing path or a failed test', () => {
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }])).toThrow(KubeError);
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/c', value: 'nope' }])).toThrow(KubeError);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(KubeError);
  });
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };

  it('parses and matches every operator', () => {
    const matches = (selector: string): boolean => matchesRequirements(labels, parseLabelSelector(selector));
    expect(matches('')).toBe(true);
    expect(matches('app=web')).toBe(true);
    expect(matches('app==web,tier=front')).toBe(true);
    expect(matches('app!=web')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
    expect(matches('tier')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matches('tier in (back, front)')).toBe(true);
    expect(matches('tier notin (front)')).toBe(false);
    expect(matches('missing notin (front)')).toBe(true);
    expect(() => parseLabelSelector('app=(')).toThrow(KubeError);
  });

  it('prints requirements back in the API server form', () => {
    expect(selectorString(parseLabelSelector('app=web,tier in (a,b),!x'))).toBe('app=web,tier in (a,b),!x');
  });
});
