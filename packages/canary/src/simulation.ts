import type { CanaryConfig } from './config';
import { judge } from './judge';

/** mulberry32: a small seeded PRNG, so a simulation gives the same numbers on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal deviates by the Box–Muller transform. */
export function normalSampler(random: () => number): (mean: number, sd: number) => number {
  return (mean, sd) => {
    const u1 = 1 - random(); // in (0, 1]: log(0) would be −∞
    const u2 = random();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

export interface PowerScenario {
  runs: number;
  /** Points per side. */
  points: number;
  baselineMean: number;
  sd: number;
  /** Canary mean = baselineMean · (1 + shift); 0 means identical distributions. */
  shift: number;
  seed: number;
  /** A config with one metric; its samples are drawn for it. */
  config: CanaryConfig;
}

/** How often the judge does not pass a canary drawn as the scenario says (false fails when shift = 0, power otherwise). */
export function failRate(scenario: PowerScenario): number {
  const draw = normalSampler(seededRandom(scenario.seed));
  const metric = scenario.config.metrics[0];
  if (metric === undefined || scenario.config.metrics.length !== 1) throw new Error('failRate: the config must have exactly one metric');
  const series = (mean: number) => Array.from({ length: scenario.points }, () => draw(mean, scenario.sd));
  let failures = 0;
  for (let run = 0; run < scenario.runs; run++) {
    const baseline = series(scenario.baselineMean);
    const canary = series(scenario.baselineMean * (1 + scenario.shift));
    if (judge(scenario.config, { [metric.name]: { baseline, canary } }).result !== 'pass') failures++;
  }
  return failures / scenario.runs;
}
