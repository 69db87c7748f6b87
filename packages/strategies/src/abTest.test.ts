import { describe, expect, it } from 'vitest';
import { abTestEnding, abTestFinalWeights, abTestWinner } from './abTest';

describe('abTest decisions', () => {
  it('makes the variant win a pass, the control a fail, nobody a marginal result', () => {
    expect([abTestWinner('pass'), abTestWinner('fail'), abTestWinner('marginal')]).toEqual(['variant', 'control', undefined]);
  });

  it('ends by onResult: the winner (the control when none), always the control, or a judgment', () => {
    expect(abTestEnding('pass', 'promoteWinner', undefined)).toEqual({ kind: 'promote', winner: 'variant' });
    expect(abTestEnding('marginal', 'promoteWinner', undefined)).toEqual({ kind: 'promote', winner: 'control' });
    expect(abTestEnding('pass', 'removeVariant', undefined)).toEqual({ kind: 'promote', winner: 'control' });
    expect(abTestEnding('fail', 'judgment', undefined)).toEqual({ kind: 'awaitJudgment' });
    expect(abTestEnding('fail', 'judgment', 'variant')).toEqual({ kind: 'promote', winner: 'variant' });
  });

  it('gives the winner all the traffic and the other group none', () => {
    expect(abTestFinalWeights({ control: 'a-v001', variant: 'a-v002' }, 'variant')).toEqual({ 'a-v002': 100, 'a-v001': 0 });
    expect(abTestFinalWeights({ control: 'a-v001', variant: 'a-v002' }, 'control')).toEqual({ 'a-v001': 100, 'a-v002': 0 });
  });
});
