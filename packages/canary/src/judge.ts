import { classifyMetric } from './classify';
import { DEFAULT_CONFIDENCE, DEFAULT_GROUP, type CanaryConfig, type GroupScore, type JudgeReport, type MetricReport, type MetricSamples } from './config';

/**
 * Each group's weight as a share of 1. Kayenta's rule: `groupWeights` are percentages; groups it
 * does not name share what remains of 100 equally (nothing when the named ones already reach 100).
 * With no `groupWeights` every group weighs the same. Shares are normalized, so weights that do
 * not add up to 100 still give a score on 0–100; if every weight is 0, groups weigh the same.
 */
function groupShares(groups: readonly string[], groupWeights: Record<string, number> = {}): Map<string, number> {
  const named = groups.filter((group) => groupWeights[group] !== undefined);
  const unnamed = groups.filter((group) => groupWeights[group] === undefined);
  const namedTotal = named.reduce((sum, group) => sum + groupWeights[group]!, 0);
  const remainderEach = unnamed.length === 0 ? 0 : Math.max(0, 100 - namedTotal) / unnamed.length;
  const raw = groups.map((group) => groupWeights[group] ?? remainderEach);
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return new Map(groups.map((group, i) => [group, total === 0 ? 1 / groups.length : raw[i]! / total]));
}

/** Percentage of the group's metric weight (each metric's `weight`, default 1) that passed; NodataFail counts as failing. */
function groupScore(metrics: readonly MetricReport[], weightOf: (name: string) => number): number {
  const total = metrics.reduce((sum, m) => sum + weightOf(m.name), 0);
  const passed = metrics.filter((m) => m.classification === 'Pass').reduce((sum, m) => sum + weightOf(m.name), 0);
  return (100 * passed) / total;
}

/**
 * The canary verdict (Kayenta's NetflixACAJudge with the weighted-sum scorer): classify every
 * metric, score each group, weigh the groups. A critical failure fails the judgment whatever the
 * score; otherwise score ≥ pass → pass, ≥ marginal → marginal, below → fail. `config` must
 * already satisfy `canaryConfigSchema`.
 */
export function judge(config: CanaryConfig, samples: Record<string, MetricSamples>): JudgeReport {
  const confidence = config.confidence ?? DEFAULT_CONFIDENCE;
  const metrics = config.metrics.map((metric) => classifyMetric(metric, samples[metric.name], confidence));
  const weights = new Map(config.metrics.map((metric) => [metric.name, metric.weight ?? 1]));
  const weightOf = (name: string) => weights.get(name) ?? 1;
  const byGroup = new Map<string, MetricReport[]>();
  for (const report of metrics) {
    const group = report.group ?? DEFAULT_GROUP;
    byGroup.set(group, [...(byGroup.get(group) ?? []), report]);
  }
  const shares = groupShares([...byGroup.keys()], config.groupWeights);
  const groups: GroupScore[] = [...byGroup].map(([name, reports]) => ({ name, score: groupScore(reports, weightOf), weight: shares.get(name) ?? 0 }));
  const score = groups.reduce((sum, group) => sum + group.score * group.weight, 0);

  const criticalFailures = metrics.filter((m) => m.critical);
  if (criticalFailures.length > 0) {
    const named = criticalFailures.map((m) => `${m.name} (${m.classification})`).join(', ');
    return { score, result: 'fail', metrics, groups, reason: `critical metric failed: ${named}` };
  }
  const { pass, marginal } = config.thresholds;
  const shown = score.toFixed(1);
  if (score >= pass) return { score, result: 'pass', metrics, groups };
  if (score >= marginal) return { score, result: 'marginal', metrics, groups, reason: `score ${shown} is below pass ${pass}` };
  return { score, result: 'fail', metrics, groups, reason: `score ${shown} is below marginal ${marginal}` };
}
