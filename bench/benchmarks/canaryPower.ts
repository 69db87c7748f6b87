import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from '../lib/result';

const CANARY_PACKAGE = fileURLToPath(new URL('../../packages/canary/', import.meta.url));

/**
 * Statistical power of the canary judge (how often it catches a real regression, how often it
 * fails a healthy canary). The judge does not exist yet, so this reports "pending" with no
 * numbers rather than inventing any.
 */
export const canaryPower: Benchmark = {
  name: 'canary-power',
  description: 'power and false-positive rate of the Mann-Whitney canary judge (pending the judge)',
  async run() {
    const reason = existsSync(CANARY_PACKAGE)
      ? 'pending: packages/canary exists but this benchmark has not been written against it yet'
      : 'pending: packages/canary not built';
    return { status: 'skipped', reason, params: {}, results: {}, targets: [], summary: [] };
  },
};
