import { describe, expect, it } from 'vitest';
import { downstreamOf, initialStages, upstreamOf, topologicalOrder, validateDag, type DagNode } from './dag';
import { ValidationError } from './errors';

const node = (refId: string, ...requisiteStageRefIds: string[]): DagNode => ({ refId, requisiteStageRefIds });

// bake -> (deployEast, deployWest) -> verify; notify is independent.
const diamond = [
  node('verify', 'deployEast', 'deployWest'),
  node('bake'),
  node('deployEast', 'bake'),
  node('deployWest', 'bake'),
  node('notify'),
];

describe('validateDag', () => {
  it('accepts a DAG', () => {
    expect(validateDag(diamond)).toEqual([]);
    expect(validateDag([])).toEqual([]);
  });

  it('checks a 12,000-stage chain and finds a 5,000-stage cycle without recursion (no stack overflow)', () => {
    const chain = Array.from({ length: 12_000 }, (_, i) => (i === 0 ? node('s0') : node(`s${i}`, `s${i - 1}`)));
    expect(validateDag(chain)).toEqual([]);
    const cycle = Array.from({ length: 5_000 }, (_, i) => node(`c${i}`, `c${(i + 4_999) % 5_000}`));
    const issues = validateDag(cycle);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/^cycle: c0 -> c1 -> .* -> c4999 -> c0$/);
  });

  it('reports each duplicate refId once per extra occurrence, naming it', () => {
    expect(validateDag([node('a'), node('b'), node('a'), node('a')])).toEqual([
      { path: ['stages', 2, 'refId'], message: 'duplicate refId "a" (also used by stages[0])' },
      { path: ['stages', 3, 'refId'], message: 'duplicate refId "a" (also used by stages[0])' },
    ]);
  });

  it('reports unknown requisites with the stage and the missing id', () => {
    expect(validateDag([node('a', 'ghost', 'ghost'), node('b', 'a', 'other')])).toEqual([
      { path: ['stages', 0, 'requisiteStageRefIds', 0], message: 'stage "a" requires unknown stage refId "ghost"' },
      { path: ['stages', 1, 'requisiteStageRefIds', 1], message: 'stage "b" requires unknown stage refId "other"' },
    ]);
  });

  it('names the stages on a cycle, once per cycle', () => {
    expect(validateDag([node('a', 'c'), node('b', 'a'), node('c', 'b'), node('d', 'c')])).toEqual([
      { path: ['stages', 0, 'requisiteStageRefIds'], message: 'cycle: a -> b -> c -> a' },
    ]);
  });

  it('reports self-references and separate cycles separately', () => {
    expect(validateDag([node('x', 'x'), node('p', 'q'), node('q', 'p'), node('ok')])).toEqual([
      { path: ['stages', 0, 'requisiteStageRefIds'], message: 'cycle: x -> x' },
      { path: ['stages', 1, 'requisiteStageRefIds'], message: 'cycle: p -> q -> p' },
    ]);
  });

  it('reports all kinds of problems together, deterministically', () => {
    const stages = [node('a', 'b'), node('b', 'a'), node('a'), node('c', 'zzz')];
    const first = validateDag(stages);
    expect(first.map((issue) => issue.message)).toEqual([
      'duplicate refId "a" (also used by stages[0])',
      'stage "c" requires unknown stage refId "zzz"',
      'cycle: a -> b -> a',
    ]);
    expect(validateDag(stages)).toEqual(first);
  });
});

describe('topologicalOrder', () => {
  it('puts every stage after its requisites, keeping pipeline order on ties', () => {
    expect(topologicalOrder(diamond).map((stage) => stage.refId)).toEqual([
      'bake',
      'deployEast',
      'deployWest',
      'verify',
      'notify',
    ]);
  });

  it('returns the caller’s stage objects', () => {
    const stages = [{ ...node('a'), extra: 1 }];
    expect(topologicalOrder(stages)[0]).toBe(stages[0]);
  });

  it('throws a ValidationError for a graph that is not a DAG', () => {
    expect(() => topologicalOrder([node('a', 'b'), node('b', 'a')])).toThrow(ValidationError);
    expect(() => topologicalOrder([node('a', 'b'), node('b', 'a')])).toThrow(/cycle: a -> b -> a/);
  });
});

describe('initialStages', () => {
  it('returns the stages that wait for nothing', () => {
    expect(initialStages(diamond).map((stage) => stage.refId)).toEqual(['bake', 'notify']);
  });
});

describe('downstreamOf', () => {
  it('returns transitive dependents in pipeline order', () => {
    expect(downstreamOf(diamond, 'bake')).toEqual(['verify', 'deployEast', 'deployWest']);
    expect(downstreamOf(diamond, 'deployWest')).toEqual(['verify']);
    expect(downstreamOf(diamond, 'verify')).toEqual([]);
  });

  it('has nothing for an unknown refId and never includes the stage itself', () => {
    expect(downstreamOf(diamond, 'ghost')).toEqual([]);
    expect(downstreamOf([node('a', 'b'), node('b', 'a')], 'a')).toEqual(['b']);
  });
});

describe('upstreamOf', () => {
  it('returns what a stage waits for, directly or not, nearest first', () => {
    expect(upstreamOf(diamond, 'verify')).toEqual(['deployEast', 'deployWest', 'bake']);
    expect(upstreamOf(diamond, 'bake')).toEqual([]);
    expect(upstreamOf(diamond, 'ghost')).toEqual([]);
  });
});
