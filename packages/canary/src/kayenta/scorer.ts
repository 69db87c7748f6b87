import type { KayentaClassification } from './classifier';

/** Kayenta's WeightedSumScorer: 50 % or more of the (unmuted) metrics Nodata scores 0. */
export const NODATA_THRESHOLD_PERCENT = 50;

export interface ScorableResult {
  name: string;
  classification: KayentaClassification;
  groups: readonly string[];
  critical: boolean;
  muted: boolean;
  reason: string;
}

export interface KayentaGroupScore {
  name: string;
  /** Percentage of the group's Pass/High/Low/NodataFailMetric results that passed; 0 when it has none. */
  score: number;
  /** No result counted (only Nodata or Error): scores 0 here but counts as 100 in the summary. */
  noData: boolean;
  /** The weight (percent) the summary gave it: its groupWeights entry or its share of the rest. */
  weight: number;
  labelCounts: Partial<Record<KayentaClassification, number>>;
}

export interface KayentaScore {
  score: number;
  groups: KayentaGroupScore[];
  /** Set when the score was forced to 0: a critical failure or too many Nodata. */
  reason?: string;
}

/**
 * commons-math `Precision.round(x, scale)`: the decimal shown by the shortest round-trip text of
 * x, rounded half up (away from zero), so 0.125 → 0.13 and 1.005 → 1.01 as in Java.
 */
export function roundHalfUp(value: number, scale: number): number {
  if (!Number.isFinite(value)) return value;
  const text = Math.abs(value).toString();
  if (text.includes('e')) return Math.abs(value) < 1 ? 0 * Math.sign(value) : value;
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length <= scale) return value;
  const digits = BigInt(whole! + fraction.slice(0, scale)) + (Number(fraction[scale]) >= 5 ? 1n : 0n);
  const padded = digits.toString().padStart(scale + 1, '0');
  const rounded = Number(`${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`);
  return value < 0 ? -rounded : rounded;
}

/**
 * Scores unmuted results as Kayenta does: a result counts in each of its groups; a group's score
 * is its Pass share among Pass/High/Low/NodataFailMetric (Nodata and Error are left out). Groups
 * named in `groupWeights` get that percentage; the others share what the named weights leave of
 * 100 (this can be negative or leave the total below 100: Kayenta does not normalize). A group with
 * nothing counted adds its full weight. The sum rounds half up to 2 decimals. It is 0 instead when
 * a critical result is not Pass (the reason names the first), or when 50 % or more are Nodata.
 */
export function scoreResults(results: readonly ScorableResult[], groupWeights: Readonly<Record<string, number>> = {}): KayentaScore {
  const scored = results.filter((result) => !result.muted);
  const byGroup = new Map<string, KayentaClassification[]>();
  for (const result of scored) for (const group of result.groups) byGroup.set(group, [...(byGroup.get(group) ?? []), result.classification]);

  const namedTotal = Object.values(groupWeights).reduce((sum, weight) => sum + weight, 0);
  const unnamed = [...byGroup.keys()].filter((group) => groupWeights[group] === undefined);
  const shareOfRest = unnamed.length === 0 ? 0 : (100 - namedTotal) / unnamed.length;

  const groups: KayentaGroupScore[] = [...byGroup].map(([name, labels]) => {
    const labelCounts: Partial<Record<KayentaClassification, number>> = {};
    for (const label of labels) labelCounts[label] = (labelCounts[label] ?? 0) + 1;
    const counted = (labelCounts.Pass ?? 0) + (labelCounts.High ?? 0) + (labelCounts.Low ?? 0) + (labelCounts.NodataFailMetric ?? 0);
    const noData = counted === 0;
    const score = noData ? 0 : ((labelCounts.Pass ?? 0) / counted) * 100;
    return { name, score, noData, weight: groupWeights[name] ?? shareOfRest, labelCounts };
  });

  const criticalFailure = scored.find((result) => result.critical && result.classification !== 'Pass');
  if (criticalFailure) return { score: 0, groups, reason: `Canary Failed: ${criticalFailure.reason}` };
  const nodata = scored.filter((result) => result.classification === 'Nodata').length;
  if ((nodata / scored.length) * 100 >= NODATA_THRESHOLD_PERCENT) {
    return { score: 0, groups, reason: `Canary Failed: ${NODATA_THRESHOLD_PERCENT}% or more metrics returned NODATA (${nodata} of ${scored.length})` };
  }
  let sum = 0;
  for (const group of groups) sum += (group.noData ? 100 : group.score) * (group.weight / 100);
  return { score: roundHalfUp(sum, 2), groups };
}

export type KayentaVerdict = 'Pass' | 'Marginal' | 'Fail';

/** ThresholdScoreClassifier: score ≥ pass → Pass, ≥ marginal → Marginal, else Fail. */
export function classifyScore(score: number, thresholds: { pass: number; marginal: number }): KayentaVerdict {
  if (score >= thresholds.pass) return 'Pass';
  if (score >= thresholds.marginal) return 'Marginal';
  return 'Fail';
}
