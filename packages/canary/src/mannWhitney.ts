import { normalSf } from './normal';

export interface MannWhitneyResult {
  /** U of the canary: pairs (canary, baseline) with canary > baseline, ties counting ½. */
  u: number;
  /** Two-sided asymptotic p-value, tie- and continuity-corrected; scipy's `mannwhitneyu(canary, baseline, method="asymptotic")`. */
  pValue: number;
  /** The continuity-corrected standardized U, signed: positive when the canary tends higher; 0 when U = n1·n2/2. */
  z: number;
}

export interface PooledRanks {
  /** Sum of the canary's average ranks in the pooled sample. */
  canaryRankSum: number;
  /** Σ (t³ − t) over the groups of tied values. */
  tieTerm: number;
}

/** Average ranks of the pooled sample (ties share the mean of their ranks) and the tie term. */
export function rankPooled(canary: readonly number[], baseline: readonly number[]): PooledRanks {
  const pooled = [...canary.map((value) => ({ value, canary: true })), ...baseline.map((value) => ({ value, canary: false }))];
  pooled.sort((a, b) => a.value - b.value);
  let canaryRankSum = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length; ) {
    let end = start + 1;
    while (end < pooled.length && pooled[end]!.value === pooled[start]!.value) end++;
    const ties = end - start;
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) if (pooled[i]!.canary) canaryRankSum += averageRank;
    tieTerm += ties ** 3 - ties;
    start = end;
  }
  return { canaryRankSum, tieTerm };
}

/** Standard deviation of U under H0 with the tie correction (scipy's `_get_mwu_z`, same operation order). */
export function uStandardDeviation(n1: number, n2: number, tieTerm: number): number {
  const n = n1 + n2;
  return Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
}

function assertSample(name: string, values: readonly number[]): void {
  if (values.length === 0) throw new RangeError(`mannWhitneyU: the ${name} sample is empty`);
  if (!values.every(Number.isFinite)) throw new RangeError(`mannWhitneyU: the ${name} sample has a non-finite value (drop or replace NaN first)`);
}

/**
 * Two-sided Mann-Whitney U test of canary against baseline, normal approximation with the tie and
 * continuity corrections, computed as scipy 1.17 does. When every value is tied the variance is 0:
 * scipy then evaluates the normal tail at −∞ and clips 2 to 1, so the p-value is 1 (not NaN).
 */
export function mannWhitneyU(canary: readonly number[], baseline: readonly number[]): MannWhitneyResult {
  assertSample('canary', canary);
  assertSample('baseline', baseline);
  const n1 = canary.length;
  const n2 = baseline.length;
  const { canaryRankSum, tieTerm } = rankPooled(canary, baseline);
  const u = canaryRankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sigma = uStandardDeviation(n1, n2, tieTerm);
  // U is a multiple of ½, so |U − mean| is 0 or at least ½ and the corrected distance is never negative…
  const distance = Math.abs(u - mean);
  // …except at U = mean, where scipy's numerator is −½: its tail probability exceeds ½ and p clips to 1.
  const pValue = Math.min(1, Math.max(0, 2 * normalSf((distance - 0.5) / sigma)));
  const z = distance === 0 ? 0 : (Math.sign(u - mean) * (distance - 0.5)) / sigma;
  return { u, pValue, z };
}
