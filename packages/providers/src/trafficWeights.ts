/** Pure traffic decisions: validating weights and deciding which server groups take traffic. */

export const WEIGHT_TOTAL = 100;

/** Why these weights cannot be applied, or undefined. Weights are whole percentages summing to 100. */
export function weightsProblem(weights: Record<string, number>, serverGroups: readonly string[]): string | undefined {
  const entries = Object.entries(weights);
  if (entries.length === 0) return 'no weights given';
  const bad = entries.filter(([, weight]) => !Number.isInteger(weight) || weight < 0 || weight > WEIGHT_TOTAL);
  if (bad.length > 0) return `weights must be whole numbers from 0 to ${WEIGHT_TOTAL}: ${bad.map(([name, weight]) => `${name}=${weight}`).join(', ')}`;
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total !== WEIGHT_TOTAL) return `weights must sum to ${WEIGHT_TOTAL}, not ${total}`;
  const known = new Set(serverGroups);
  const unknown = entries.map(([name]) => name).filter((name) => !known.has(name));
  if (unknown.length > 0) return `not server groups of this cluster: ${unknown.join(', ')} (it has ${serverGroups.join(', ') || 'none'})`;
  return undefined;
}

/**
 * Which groups take traffic: those with a weight above zero. Groups of the cluster that the weights
 * leave out take none, so the weights describe the whole cluster in every traffic mode. Enabling
 * comes first so that the cluster is never left without a group in traffic.
 */
export function trafficPlan(weights: Record<string, number>, serverGroups: readonly string[]): { enable: string[]; disable: string[] } {
  const enable = serverGroups.filter((name) => (weights[name] ?? 0) > 0);
  const disable = serverGroups.filter((name) => (weights[name] ?? 0) === 0);
  return { enable, disable };
}

/**
 * Service mode has no per-backend weights: the Service spreads requests evenly over ready pods,
 * so a group's share is its share of the replicas. Splits `totalReplicas` over the weighted
 * groups in proportion to their weights (largest remainder, so the parts sum to the total), and
 * gives every group with a weight above zero at least one replica.
 */
export function replicaSplit(weights: Record<string, number>, totalReplicas: number): Record<string, number> {
  const weighted = Object.entries(weights).filter(([, weight]) => weight > 0);
  const total = Math.max(totalReplicas, weighted.length);
  const exact = weighted.map(([name, weight]) => ({ name, share: (total * weight) / WEIGHT_TOTAL }));
  const split = Object.fromEntries(exact.map(({ name, share }) => [name, Math.max(1, Math.floor(share))]));
  let left = total - Object.values(split).reduce((sum, replicas) => sum + replicas, 0);
  const byRemainder = [...exact].sort((a, b) => (b.share % 1) - (a.share % 1) || a.name.localeCompare(b.name));
  for (let i = 0; left > 0; i = (i + 1) % byRemainder.length, left--) split[byRemainder[i]!.name]! += 1;
  return split;
}

/** Equal whole shares of 100 (the first names take the remainder), e.g. 34/33/33. */
export function evenWeights(names: readonly string[]): Record<string, number> {
  const base = Math.floor(WEIGHT_TOTAL / Math.max(1, names.length));
  const extra = WEIGHT_TOTAL - base * names.length;
  return Object.fromEntries(names.map((name, index) => [name, base + (index < extra ? 1 : 0)]));
}
