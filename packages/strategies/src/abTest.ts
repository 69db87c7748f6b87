/**
 * The `abTest` stage's decisions (docs/ab-testing.md): when the experiment is judged, who won, and
 * how it ends. Pure: the task reads the clock and the judge's verdict and acts on the answer.
 */

export const AB_TEST_RESULTS = ['promoteWinner', 'removeVariant', 'judgment'] as const;
export type AbTestOnResult = (typeof AB_TEST_RESULTS)[number];

export type AbTestSide = 'control' | 'variant';

/**
 * The judge compares the variant (as canary) with the control (as baseline): a pass means the
 * variant is no worse on any metric, so it wins; a fail means it lost. A marginal result is no
 * winner: a judgment when the stage asks for one, else the control keeps serving (an experiment
 * that proves nothing changes nothing).
 */
export function abTestWinner(verdict: 'pass' | 'marginal' | 'fail'): AbTestSide | undefined {
  return verdict === 'pass' ? 'variant' : verdict === 'fail' ? 'control' : undefined;
}

export type AbTestEnding =
  /** The winner takes all the cluster's traffic; the loser leaves traffic (destroyed if it is the variant, kept disabled if it is the control). */
  | { kind: 'promote'; winner: AbTestSide }
  /** A person decides (a stage output names the question; the answer is `variant` or `control`). */
  | { kind: 'awaitJudgment' };

/**
 * How the experiment ends, given the verdict, `onResult` and a judgment if one was given.
 * - promoteWinner: the winner serves alone (a marginal result keeps the control).
 * - removeVariant: the control serves alone and the variant goes, whoever won (the result is
 *   reported; acting on it is a later pipeline's business).
 * - judgment: a person picks the side, seeing the verdict.
 */
export function abTestEnding(verdict: 'pass' | 'marginal' | 'fail', onResult: AbTestOnResult, judged: AbTestSide | undefined): AbTestEnding {
  if (onResult === 'removeVariant') return { kind: 'promote', winner: 'control' };
  if (onResult === 'judgment') return judged === undefined ? { kind: 'awaitJudgment' } : { kind: 'promote', winner: judged };
  return { kind: 'promote', winner: abTestWinner(verdict) ?? 'control' };
}

/** The weights that end the experiment for `winner` (the other group out of traffic). */
export function abTestFinalWeights(groups: { control: string; variant: string }, winner: AbTestSide): Record<string, number> {
  return winner === 'variant' ? { [groups.variant]: 100, [groups.control]: 0 } : { [groups.control]: 100, [groups.variant]: 0 };
}
