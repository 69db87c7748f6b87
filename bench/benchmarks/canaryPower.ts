import { failRate, type CanaryConfig } from '../../packages/canary/src';
import { target, type Benchmark } from '../lib/result';

const BASELINE_MEAN = 100;
const SD = 10;
/** One latency-like metric where an increase is bad, judged at the default confidence (0.98). */
const CONFIG: CanaryConfig = {
  metrics: [{ name: 'latency', direction: 'increase' }],
  thresholds: { marginal: 50, pass: 95 },
};

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/**
 * Statistical power of the canary judge: for each sample size (points per side) and each shift of
 * the canary's mean (0 = healthy, +x % = a regression), how often the judge does not pass the
 * canary. Samples are N(100, 10) from a seeded PRNG, so every run gives the same numbers. Pure
 * computation: no database, no queue.
 */
export const canaryPower: Benchmark = {
  name: 'canary-power',
  description: 'detection power and false-fail rate of the Mann-Whitney canary judge across shifts and sample sizes',
  async run(options) {
    const runs = options.quick ? 50 : 200;
    const pointsPerSide = options.quick ? [20, 50] : [10, 20, 50, 100];
    const shifts = options.quick ? [0, 0.1] : [0, 0.02, 0.05, 0.1, 0.2];
    const grid: { points: number; shift: number; failRate: number }[] = [];
    for (const points of pointsPerSide) {
      for (const [index, shift] of shifts.entries()) {
        const rate = failRate({ runs, points, baselineMean: BASELINE_MEAN, sd: SD, shift, seed: 1000 * points + index, config: CONFIG });
        grid.push({ points, shift, failRate: rate });
        options.log(`canary-power: ${points} points per side, shift +${shift * 100} %: not passed ${percent(rate)}`);
      }
    }
    const at = (points: number, shift: number) => grid.find((cell) => cell.points === points && cell.shift === shift)?.failRate ?? null;
    const falseFail = at(50, 0);
    const detection = at(50, 0.1);
    return {
      status: 'ok',
      params: { runs, pointsPerSide, shifts, baseline: `N(${BASELINE_MEAN}, ${SD})`, confidence: 0.98, direction: 'increase' },
      results: {
        grid,
        falseFailRate: Object.fromEntries(pointsPerSide.map((points) => [points, at(points, 0)])),
        detectionRate: Object.fromEntries(shifts.filter((s) => s > 0).map((shift) => [`+${shift * 100}%`, Object.fromEntries(pointsPerSide.map((p) => [p, at(p, shift)]))])),
      },
      targets: [
        target('false-fail rate, identical distributions, 50 points per side', falseFail, '<=', 0.05),
        target('detection rate, +10 % mean, 50 points per side', detection, '>=', 0.95),
      ],
      summary: grid.map((cell) => [`${cell.points} pts/side, shift +${cell.shift * 100} % → not passed`, percent(cell.failRate)]),
    };
  },
};
