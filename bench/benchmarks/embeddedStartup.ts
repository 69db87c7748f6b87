import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../packages/runtime/src';
import type { Benchmark } from '../lib/result';

const quiet = { info: () => undefined };

/**
 * How long the zero-service start waits for its embedded PostgreSQL: cold (initdb of a new
 * cluster, first start) and warm (an existing cluster, every later start). Each start ends when
 * the server accepts connections and the `gantry` database exists.
 */
export const embeddedStartup: Benchmark = {
  name: 'embedded-startup',
  description: 'embedded PostgreSQL start-up: cold (first start, initdb) and warm (restart)',
  async run(options) {
    const warmRuns = options.quick ? 2 : 5;
    const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-embedded-'));
    try {
      const coldStart = performance.now();
      const first = await startEmbeddedPostgres({ dataDir, log: quiet });
      const coldMs = performance.now() - coldStart;
      await first.stop();
      const warm: number[] = [];
      for (let i = 0; i < warmRuns; i++) {
        const started = performance.now();
        const server = await startEmbeddedPostgres({ dataDir, log: quiet });
        warm.push(performance.now() - started);
        await server.stop();
        options.log(`[bench] embedded-startup: warm start ${i + 1}/${warmRuns} ${Math.round(warm[i]!)} ms`);
      }
      const sorted = [...warm].sort((a, b) => a - b);
      const warmMedianMs = sorted[Math.floor(sorted.length / 2)]!;
      return {
        status: 'ok',
        params: { warmRuns },
        results: { coldMs: Math.round(coldMs), warmMs: warm.map(Math.round), warmMedianMs: Math.round(warmMedianMs) },
        targets: [],
        summary: [
          ['cold start (initdb + start)', `${Math.round(coldMs)} ms`],
          ['warm start, median of ' + warmRuns, `${Math.round(warmMedianMs)} ms`],
        ],
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
