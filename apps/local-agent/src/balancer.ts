/**
 * Pure traffic decisions of a cluster's proxy: which server groups take traffic at what weight, and
 * which one serves the next request. Deterministic (smooth weighted round-robin, as nginx does), so
 * that 30/70 means exactly 30 of every 100 requests, not roughly.
 */

export interface RoutableGroup {
  name: string;
  enabled: boolean;
  /** Instances that answer their health check now. */
  upInstances: number;
}

/**
 * Routing weights by group. Explicit weights (setTrafficWeights) apply to enabled groups; without
 * them every enabled group takes traffic in proportion to its up instances, as behind a load
 * balancer. A group with no up instance gets nothing, so its share goes to the others instead of
 * failing requests.
 */
export function routingWeights(groups: readonly RoutableGroup[], explicit: Readonly<Record<string, number>> | null): Map<string, number> {
  const weights = new Map<string, number>();
  for (const group of groups) {
    if (!group.enabled || group.upInstances === 0) continue;
    const weight = explicit === null ? group.upInstances : (explicit[group.name] ?? 0);
    if (weight > 0) weights.set(group.name, weight);
  }
  return weights;
}

/** Weights as whole percentages summing to 100 (largest remainder), for display. */
export function asPercentages(weights: ReadonlyMap<string, number>): Map<string, number> {
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  const result = new Map<string, number>();
  if (total === 0) return result;
  const exact = [...weights].map(([name, weight]) => ({ name, share: (weight * 100) / total }));
  for (const { name, share } of exact) result.set(name, Math.floor(share));
  let left = 100 - [...result.values()].reduce((sum, value) => sum + value, 0);
  const byRemainder = [...exact].sort((a, b) => (b.share % 1) - (a.share % 1) || a.name.localeCompare(b.name));
  for (let i = 0; left > 0; i++, left--) {
    const name = byRemainder[i % byRemainder.length]!.name;
    result.set(name, result.get(name)! + 1);
  }
  return result;
}

/**
 * Smooth weighted round-robin: every pick adds each weight to its peer's score, takes the highest
 * score and subtracts the total from it. Over any `total` consecutive picks each peer is chosen
 * exactly `weight` times, interleaved rather than in bursts.
 */
export class SmoothWeightedRoundRobin {
  private readonly scores = new Map<string, number>();
  private signature = '';

  /** The next peer; the state restarts whenever the weights change. */
  next(weights: ReadonlyMap<string, number>): string | undefined {
    const signature = [...weights].map(([name, weight]) => `${name}=${weight}`).join(',');
    if (signature !== this.signature) {
      this.signature = signature;
      this.scores.clear();
    }
    let total = 0;
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const [name, weight] of weights) {
      const score = (this.scores.get(name) ?? 0) + weight;
      this.scores.set(name, score);
      total += weight;
      if (score > bestScore) {
        best = name;
        bestScore = score;
      }
    }
    if (best !== undefined) this.scores.set(best, bestScore - total);
    return best;
  }
}

/** Plain round-robin over a group's instances: the position of the next one, given how many there are. */
export class RoundRobin {
  private position = 0;

  next(count: number): number {
    if (count <= 0) return -1;
    this.position = (this.position + 1) % Number.MAX_SAFE_INTEGER;
    return this.position % count;
  }
}
