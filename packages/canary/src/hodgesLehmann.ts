import { rankPooled, uStandardDeviation } from './mannWhitney';
import { normalQuantile } from './normal';

export interface HodgesLehmannResult {
  /** Median of all n1·n2 differences canary − baseline. */
  shift: number;
  /** Confidence interval for the shift: two order statistics of the differences. */
  ci: [number, number];
}

function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The pairwise differences c − b of two sorted samples, never materialized (n1·n2 of them can be
 * millions): each question about them is answered by one two-pointer pass, O(n1 + n2).
 */
class PairwiseDifferences {
  readonly count: number;

  constructor(
    private readonly canary: readonly number[],
    private readonly baseline: readonly number[],
  ) {
    this.count = canary.length * baseline.length;
  }

  /** How many differences are ≤ t. For a fixed c, c − b falls as b rises, so the pointer only moves forwards. */
  countAtMost(t: number): number {
    const { canary, baseline } = this;
    let count = 0;
    let j = 0;
    for (const c of canary) {
      while (j < baseline.length && c - baseline[j]! > t) j++;
      count += baseline.length - j;
    }
    return count;
  }

  /** The smallest difference that is > t (there must be one). */
  smallestAbove(t: number): number {
    const { canary, baseline } = this;
    let smallest = Number.POSITIVE_INFINITY;
    let j = 0;
    for (const c of canary) {
      while (j < baseline.length && c - baseline[j]! > t) j++;
      // baseline[j - 1] is the largest b with c − b > t.
      if (j > 0) smallest = Math.min(smallest, c - baseline[j - 1]!);
    }
    return smallest;
  }

  /**
   * The k-th smallest difference (1-based), by bisection on the value: `below` always has fewer
   * than k differences ≤ it, `atOrAbove` at least k. When no double lies between them, the answer
   * is the one difference value in (below, atOrAbove].
   */
  kth(k: number): number {
    const lowest = this.canary[0]! - this.baseline[this.baseline.length - 1]!;
    if (this.countAtMost(lowest) >= k) return lowest;
    let below = lowest;
    let atOrAbove = this.canary[this.canary.length - 1]! - this.baseline[0]!;
    for (;;) {
      const middle = below / 2 + atOrAbove / 2;
      if (middle <= below || middle >= atOrAbove) break;
      if (this.countAtMost(middle) >= k) atOrAbove = middle;
      else below = middle;
    }
    return this.smallestAbove(below);
  }
}

/**
 * Hodges–Lehmann estimate of the shift canary − baseline and its confidence interval from the
 * normal approximation of the Mann-Whitney distribution (Bauer 1972): with N = n1·n2 sorted
 * differences D(1) ≤ … ≤ D(N), the interval is [D(k), D(N + 1 − k)] where
 * k = ⌈N/2 − ½ − z·σ⌉ (at least 1), z the (1 + confidence)/2 normal quantile and σ the
 * tie-corrected standard deviation of U. k is where R's `wilcox.test(conf.int = TRUE,
 * correct = TRUE, exact = FALSE)` root search lands: the shifts the continuity-corrected
 * two-sided test does not reject. R recomputes the tie correction at every trial shift; here the
 * ties are those of the observed samples (identical when there are none).
 */
export function hodgesLehmann(canary: readonly number[], baseline: readonly number[], confidence: number): HodgesLehmannResult {
  if (canary.length === 0 || baseline.length === 0) throw new RangeError('hodgesLehmann: both samples need at least one value');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`hodgesLehmann: confidence must be in (0, 1), got ${confidence}`);
  const differences = new PairwiseDifferences(ascending(canary), ascending(baseline));
  const n = differences.count;
  const shift = n % 2 === 1 ? differences.kth((n + 1) / 2) : (differences.kth(n / 2) + differences.kth(n / 2 + 1)) / 2;
  const sigma = uStandardDeviation(canary.length, baseline.length, rankPooled(canary, baseline).tieTerm);
  const z = normalQuantile((1 + confidence) / 2);
  const k = Math.max(1, Math.ceil(n / 2 - 0.5 - z * sigma));
  return { shift, ci: [differences.kth(k), differences.kth(n + 1 - k)] };
}
