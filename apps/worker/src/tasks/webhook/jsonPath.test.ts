import { describe, expect, it } from 'vitest';
import { JsonPathSyntaxError, parseJsonPath, readJsonPath } from './jsonPath';

const doc = {
  status: 'RUNNING',
  build: { state: 'SUCCESS', steps: [{ name: 'compile' }, { name: 'test', result: 'PASSED' }] },
  'content-type': 'json',
  "it's": { ok: true },
  '0': 'zero-key',
  nothing: null,
};

describe('jsonPath', () => {
  it.each([
    ['$.status', 'RUNNING'],
    ['status', 'RUNNING'],
    ['$.build.state', 'SUCCESS'],
    ['build.state', 'SUCCESS'],
    ['$.build.steps[1].result', 'PASSED'],
    ['build.steps[0].name', 'compile'],
    ['$.build.steps[-1].name', 'test'],
    ["$['content-type']", 'json'],
    ['$["content-type"]', 'json'],
    ["['content-type']", 'json'],
    ["$['build']['state']", 'SUCCESS'],
    ["$['it\\'s'].ok", true],
    ["$['0']", 'zero-key'],
    ['$.nothing', null],
  ])('reads %s', (path, expected) => {
    expect(readJsonPath(doc, path)).toEqual({ found: true, value: expected });
  });

  it('returns the whole document for $', () => {
    expect(readJsonPath(doc, '$')).toEqual({ found: true, value: doc });
    expect(readJsonPath('plain', '$')).toEqual({ found: true, value: 'plain' });
  });

  it.each(['$.missing', '$.build.steps[5]', '$.build.steps[-3]', '$.status.length', '$.build[0]', '$.build.steps.name', '$.constructor', '$.__proto__', '$.toString'])(
    'reports %s as not found',
    (path) => {
      expect(readJsonPath(doc, path)).toEqual({ found: false });
    },
  );

  it('does not read into strings or null', () => {
    expect(readJsonPath('{"status":"x"}', '$.status')).toEqual({ found: false });
    expect(readJsonPath(null, '$.status')).toEqual({ found: false });
  });

  it('parses into segments', () => {
    expect(parseJsonPath("$.a[2]['b.c']")).toEqual([
      { kind: 'property', name: 'a' },
      { kind: 'index', index: 2 },
      { kind: 'property', name: 'b.c' },
    ]);
  });

  it.each([
    ['$..status', /deep scan/],
    ['$.items[*]', /unsupported selector/],
    ['$.*', /wildcards/],
    ['$.items[?(@.a)]', /unsupported selector/],
    ['$.items[0:2]', /unsupported selector/],
    ["$['a','b']", /unions/],
    ["$['a", /unterminated/],
    ['$.a[0', /unterminated/],
    ['$.', /expected a property name/],
    ['$x', /unexpected "x"/],
  ])('rejects %s', (path, reason) => {
    expect(() => parseJsonPath(path)).toThrow(JsonPathSyntaxError);
    expect(() => parseJsonPath(path)).toThrow(reason);
  });
});
