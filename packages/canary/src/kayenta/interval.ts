import { rankPooled, uStandardDeviation } from '../mannWhitney';
import { normalQuantile } from '../normal';

/** Kayenta's root finder stops when the bracket is narrower than this (absolute, in the metric's unit). */
const ROOT_TOLERANCE = 1e-4;
const ROOT_MAX_ITERATIONS = 1000;
const EPSILON = 2.220446049250313e-16;

/** Commons-math `Precision.equals(f, 0)`: within one ulp of zero. */
const isZero = (f: number) => Math.abs(f) <= Number.MIN_VALUE;

/**
 * The continuity-corrected, tie-corrected standardized Mann-Whitney statistic of (x − mu) against
 * y, minus `quantile`: R's `wdiff` inside `wilcox.test(conf.int = TRUE, exact = FALSE)`, which
 * Kayenta's kayenta-mannwhitney transcribes. It steps down as mu grows; its roots are the interval
 * ends (quantile ±z) and the estimate (quantile 0). Ties are re-ranked at every mu, as R does.
 */
export function shiftedStatistic(mu: number, quantile: number, x: readonly number[], y: readonly number[]): number {
  const n1 = x.length;
  const n2 = y.length;
  const { canaryRankSum, tieTerm } = rankPooled(
    x.map((v) => v - mu),
    y,
  );
  const dz = canaryRankSum - (n1 * (n1 + 1)) / 2 - (n1 * n2) / 2;
  const sigma = uStandardDeviation(n1, n2, tieTerm);
  if (sigma === 0) throw new RangeError('cannot compute confidence interval when all observations are tied');
  return (dz - Math.sign(dz) * 0.5) / sigma - quantile;
}

/**
 * Brent's zero-in (Brent 1973, as in R's `uniroot` and Kayenta's BrentSolver): bisection mixed
 * with secant and inverse quadratic steps, absolute tolerance 1e-4, at most 1000 steps. The
 * function here is a step function, so where the root lands inside a jump (or a flat zero stretch)
 * depends on this exact sequence of trial points; reproducing it is what makes the interval ends
 * and the estimate Kayenta's, not merely close to the order statistics they bracket.
 */
function brent(lower: number, upper: number, fLower: number, fUpper: number, f: (x: number) => number): number {
  let a = lower;
  let b = upper;
  let fa = fLower;
  let fb = fUpper;
  let c = a;
  let fc = fa;
  if (isZero(fa)) return a;
  if (isZero(fb)) return b;
  for (let iteration = 0; iteration <= ROOT_MAX_ITERATIONS; iteration++) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // Keep b the best guess so far, c on the other side of the root.
      [a, b, c] = [b, c, b];
      [fa, fb, fc] = [fb, fc, fb];
    }
    const tolerance = 2 * EPSILON * Math.abs(b) + ROOT_TOLERANCE / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= tolerance || isZero(fb)) return b;
    if (Math.abs(previousStep) >= tolerance && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolerance * q) / 2 && p < Math.abs((previousStep * q) / 2)) step = p / q;
    }
    if (Math.abs(step) < tolerance) step = step > 0 ? tolerance : -tolerance;
    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

export interface KayentaShiftInterval {
  /** Kayenta's location-shift estimate x − y: the root of the uncorrected-quantile statistic. */
  estimate: number;
  lower: number;
  upper: number;
}

/**
 * The shift x − y and its `confidence` interval as Kayenta's MannWhitney computes them: roots of
 * the corrected statistic found on [min x − max y, max x − min y]. These are the Hodges–Lehmann
 * quantities of `hodgesLehmann.ts`, located by root finding instead of order statistics, so they
 * differ from it by up to the solver's 1e-4 and, with an even number of differences, the estimate
 * is wherever the solver stops inside the flat middle rather than the midpoint. Kayenta's
 * verdicts depend on those exact values, hence this second route to the same quantities.
 */
export function kayentaShiftInterval(x: readonly number[], y: readonly number[], confidence: number): KayentaShiftInterval {
  const low = Math.min(...x) - Math.max(...y);
  const high = Math.max(...x) - Math.min(...y);
  const rootAt = (quantile: number, clampToBracket: boolean): number => {
    const f = (mu: number) => shiftedStatistic(mu, quantile, x, y);
    const fLow = f(low);
    const fHigh = f(high);
    if (clampToBracket) {
      if (fLow <= 0) return low;
      if (fHigh >= 0) return high;
    }
    return brent(low, high, fLow, fHigh, f);
  };
  const z = normalQuantile((1 - confidence) / 2);
  return { lower: rootAt(-z, true), upper: rootAt(z, true), estimate: rootAt(0, false) };
}
