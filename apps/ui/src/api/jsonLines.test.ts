import { describe, expect, it } from 'vitest';
import { jsonLines, lineDiff, lineOf, orderedLike } from './jsonLines';

describe('jsonLines', () => {
  const text = JSON.stringify({ application: 'shop', stages: [{ refId: 'a', type: 'wait', waitTime: -1 }, { refId: 'b', tags: ['x', { deep: true }] }] }, null, 2);
  const lines = jsonLines(text);
  const lineWith = (needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

  it('finds the line of each value by its path, keys and array items alike', () => {
    expect(lines.get('application')).toBe(lineWith('"application"'));
    expect(lines.get('stages.0.waitTime')).toBe(lineWith('"waitTime"'));
    expect(lines.get('stages.1')).toBe(lineWith('"refId": "b"') - 1);
    expect(lines.get('stages.1.tags.1.deep')).toBe(lineWith('"deep"'));
    expect(lines.get('')).toBe(1);
  });

  it('reports a missing field at its nearest parent, and escaped quotes do not end a string', () => {
    expect(lineOf(lines, ['stages', 0, 'cluster', 'account'])).toBe(lines.get('stages.0'));
    const escaped = jsonLines('{\n  "a": "say \\"hi\\"",\n  "b": 1\n}');
    expect(escaped.get('b')).toBe(3);
  });
});

describe('lineDiff', () => {
  it('keeps common lines and marks the removed and the added ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toEqual([
      { kind: ' ', text: 'a' },
      { kind: '-', text: 'b' },
      { kind: ' ', text: 'c' },
      { kind: '+', text: 'd' },
    ]);
    expect(lineDiff('same', 'same')).toEqual([{ kind: ' ', text: 'same' }]);
  });
});

describe('orderedLike', () => {
  it("puts a stored version's keys in the editor's order at every depth, so a diff shows only what changed", () => {
    const stored = { stages: [{ waitTime: 1, refId: 'a', extra: true }], name: 'p', application: 'shop' };
    const editor = { application: 'shop', name: 'p', stages: [{ refId: 'a', waitTime: 2 }] };
    const ordered = orderedLike(stored, editor);
    expect(JSON.stringify(ordered)).toBe('{"application":"shop","name":"p","stages":[{"refId":"a","waitTime":1,"extra":true}]}');
    const diff = lineDiff(JSON.stringify(ordered, null, 2), JSON.stringify(editor, null, 2)).filter((line) => line.kind !== ' ');
    expect(diff.map((line) => `${line.kind}${line.text.trim()}`)).toEqual(['+"waitTime": 2', '-"waitTime": 1,', '-"extra": true']);
  });
});
