import { meanRatio } from '../classify';
import { rankPooled } from '../mannWhitney';
import { kayentaShiftInterval } from './interval';

/** Kayenta's metric labels (BaseMetricClassifier). `Error` is a classification that threw. */
export type KayentaClassification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';
export type KayentaDirection = 'increase' | 'decrease' | 'either';
export type KayentaNanStrategy = 'remove' | 'replace';
export type KayentaEffectSizeMeasure = 'meanRatio' | 'cles';

export interface MannWhitneyClassifierOptions {
  /** Half-width of the band around 0, as a fraction of |estimate| (NetflixACAJudge: 0.25). */
  tolerance: number;
  /** Confidence of the interval (NetflixACAJudge: 0.98). */
  confidence: number;
  /** [allowedDecrease, allowedIncrease]; default 1 for meanRatio, 0.5 for cles. */
  effectSizeThresholds: [number, number];
  /** [criticalDecrease, criticalIncrease]; same defaults. */
  criticalThresholds: [number, number];
  effectSizeMeasure: KayentaEffectSizeMeasure;
  /** Standard normal draws for the noise Kayenta adds to two constant samples (injectable for tests). */
  gaussian?: () => number;
}

export interface ClassifyInput {
  control: readonly number[];
  experiment: readonly number[];
  direction: KayentaDirection;
  nanStrategy: KayentaNanStrategy;
  critical: boolean;
  mustHaveData: boolean;
}

/** What the test saw, for the report: Kayenta's estimate and interval and the band they were held against. */
export interface KayentaComparison {
  estimate: number;
  lowerConfidence: number;
  upperConfidence: number;
  /** The band ±tolerance·|estimate| the interval must clear to count as a change. */
  band: [number, number];
  effectSize: number;
  effectSizeMeasure: KayentaEffectSizeMeasure;
  noiseAdded: boolean;
}

export interface KayentaMetricClassification {
  classification: KayentaClassification;
  /** Why, in words; always set (Kayenta leaves Pass without one; spinnaker/kayenta#521 asks for it). */
  reason: string;
  /** Kayenta's `deviation`, mean(experiment)/mean(control), reported as `ratio`; 1 on the shortcuts. */
  deviation: number;
  critical: boolean;
  comparison?: KayentaComparison;
}

/** Common language effect size: the share of (experiment, control) pairs where the experiment is higher, ties ½. */
export function cles(control: readonly number[], experiment: readonly number[]): number {
  const m = experiment.length;
  const n = control.length;
  const { canaryRankSum } = rankPooled(experiment, control);
  return (2 * canaryRankSum - m * (m + 1)) / (2 * n * m);
}

/** Box–Muller: the default source of the (rarely needed, deliberately random) noise. */
function standardNormal(): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const sameMultiset = (a: readonly number[], b: readonly number[]) => {
  if (a.length !== b.length) return false;
  const sa = [...a].sort((p, q) => p - q);
  const sb = [...b].sort((p, q) => p - q);
  return sa.every((v, i) => Object.is(v, sb[i]) || v === sb[i]);
};

const fmt = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value));

/**
 * Kayenta's MannWhitneyClassifier, rule for rule:
 * 1. either side empty → `Nodata` (critical if the metric is), or `NodataFailMetric` when the
 *    metric must have data and is not critical; but with nanStrategy replace an empty side passes;
 * 2. the same values on both sides (as multisets) → Pass; one distinct value overall → Pass;
 * 3. both sides constant (different constants) → Gaussian noise of sd 1e-5·value is added, so the
 *    test can rank them;
 * 4. the estimate's band is ±tolerance·|estimate|: High when the interval's lower end is above the
 *    band, the direction allows increase, and the effect size reaches allowedIncrease (a NaN
 *    effect size does not gate); Low symmetrically; else Pass;
 * 5. a critical metric's High/Low is critical only past criticalIncrease/criticalDecrease.
 */
export function classifyKayentaMetric(input: ClassifyInput, options: MannWhitneyClassifierOptions): KayentaMetricClassification {
  const { control, experiment } = input;
  if (experiment.length === 0 || control.length === 0) {
    const missing = [experiment.length === 0 ? 'the experiment' : '', control.length === 0 ? 'the control' : ''].filter(Boolean).join(' and ');
    if (input.nanStrategy === 'replace') {
      return { classification: 'Pass', reason: `no data for ${missing}; with nanStrategy replace Kayenta passes it`, deviation: 1, critical: false };
    }
    const reason = `missing data: no values for ${missing}`;
    if (input.mustHaveData && !input.critical) return { classification: 'NodataFailMetric', reason: `${reason} (mustHaveData)`, deviation: 1, critical: false };
    return { classification: 'Nodata', reason, deviation: 1, critical: input.critical };
  }
  if (sameMultiset(experiment, control)) {
    return { classification: 'Pass', reason: 'the experiment and control data are identical', deviation: 1, critical: false };
  }
  if (new Set([...experiment, ...control]).size === 1) {
    return { classification: 'Pass', reason: `every value on both sides is ${fmt(experiment[0]!)}`, deviation: 1, critical: false };
  }

  const noiseAdded = new Set(experiment).size === 1 && new Set(control).size === 1;
  const gaussian = options.gaussian ?? standardNormal;
  const withNoise = (values: readonly number[]) => values.map((v) => v + gaussian() * values[0]! * 1e-5);
  const x = noiseAdded ? withNoise(experiment) : experiment;
  const y = noiseAdded ? withNoise(control) : control;

  let interval;
  try {
    interval = kayentaShiftInterval(x, y, options.confidence);
  } catch (error) {
    // Kayenta's judge turns any exception of the classifier into an Error result.
    const reason = `metric classification failed: ${(error as Error).message}`;
    return { classification: 'Error', reason, deviation: Number.NaN, critical: input.critical };
  }
  const deviation = meanRatio(x, y);
  const effectSize = options.effectSizeMeasure === 'cles' ? cles(y, x) : deviation;
  const half = options.tolerance * Math.abs(interval.estimate);
  const comparison: KayentaComparison = {
    estimate: interval.estimate,
    lowerConfidence: interval.lower,
    upperConfidence: interval.upper,
    band: [-half, half],
    effectSize,
    effectSizeMeasure: options.effectSizeMeasure,
    noiseAdded,
  };
  const [allowedDecrease, allowedIncrease] = options.effectSizeThresholds;
  const [criticalDecrease, criticalIncrease] = options.criticalThresholds;
  const canFlagUp = input.direction !== 'decrease';
  const canFlagDown = input.direction !== 'increase';
  const aboveBand = interval.lower > half;
  const belowBand = interval.upper < -half;
  const reaches = (bound: number, up: boolean) => Number.isNaN(effectSize) || (up ? effectSize >= bound : effectSize <= bound);
  const ci = `${options.confidence * 100}% interval [${fmt(interval.lower)}, ${fmt(interval.upper)}] of the shift (estimate ${fmt(interval.estimate)})`;
  const effect = `${options.effectSizeMeasure} ${fmt(effectSize)}`;

  let classification: KayentaClassification = 'Pass';
  let reason: string;
  if (canFlagUp && aboveBand && reaches(allowedIncrease, true)) {
    classification = 'High';
    reason = `High: the ${ci} lies above the tolerance band ±${fmt(half)} and ${effect} ≥ allowedIncrease ${allowedIncrease}`;
  } else if (canFlagDown && belowBand && reaches(allowedDecrease, false)) {
    classification = 'Low';
    reason = `Low: the ${ci} lies below the tolerance band ±${fmt(half)} and ${effect} ≤ allowedDecrease ${allowedDecrease}`;
  } else if (aboveBand || belowBand) {
    const way = aboveBand ? 'higher' : 'lower';
    const allowedByDirection = aboveBand ? !canFlagUp : !canFlagDown;
    reason = allowedByDirection
      ? `Pass: the experiment is ${way} (${ci}) but direction ${input.direction} only flags the other way`
      : `Pass: the experiment is ${way} (${ci}) but ${effect} is within ${aboveBand ? `allowedIncrease ${allowedIncrease}` : `allowedDecrease ${allowedDecrease}`}`;
  } else {
    reason = `Pass: the ${ci} overlaps the tolerance band ±${fmt(half)}`;
  }

  let critical = false;
  if (input.critical && classification === 'High' && reaches(criticalIncrease, true)) critical = true;
  if (input.critical && classification === 'Low' && reaches(criticalDecrease, false)) critical = true;
  if (critical) reason += ` (critical: ${effect} is past ${classification === 'High' ? `criticalIncrease ${criticalIncrease}` : `criticalDecrease ${criticalDecrease}`})`;
  return { classification, reason, deviation, critical, comparison };
}
