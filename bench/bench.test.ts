import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchResultSchema, type BenchResult } from './lib/result';

const RUNNER = fileURLToPath(new URL('./run.ts', import.meta.url));

/**
 * Smoke test of `npm run bench -- --quick`: the runner completes and writes results in the
 * documented shape. It checks shapes and counts only; a time would fail on a busy machine.
 */
describe('npm run bench --quick', () => {
  let outDir: string;
  let exit: { code: number | null; stderr: string };

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'gantry-bench-'));
    exit = await runBench(['--quick', '--out', outDir, 'engine-vs-bullmq', 'waiting-scale']);
  }, 240_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('exits 0', () => {
    expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
  });

  it('writes engine-vs-bullmq results for both queue backends', async () => {
    const result = await readResult(outDir, 'engine-vs-bullmq');
    expect(result).toMatchObject({ name: 'engine-vs-bullmq', quick: true, status: 'ok' });
    expect(result.params).toMatchObject({ stagesPerChain: 5, chains: 5 });
    for (const backend of ['redis', 'postgres']) {
      const perBackend = result.results[backend] as {
        raw: { jobs: number; jobsPerSecond: number | null };
        engine: { executions: number; succeeded: number; transitions: number; transitionsPerSecond: number | null; schedulingLatencyMs: { p50: number; p99: number; count: number } | null };
        engineWithoutOutbox: { executions: number; succeeded: number; transitions: number; transitionsPerSecond: number | null };
        outboxCost: number | null;
        ratio: number | null;
        limit: { transitions: number };
        limitRatio: number | null;
        perTransition: { engine: { engineStatements: number; engineRoundTrips: number }; limit: { engineStatements: number } };
      };
      expect(perBackend.raw.jobs).toBe(25);
      expect(perBackend.raw.jobsPerSecond).toEqual(expect.any(Number));
      // Every execution ran all its stages: the numbers describe real work, not a stall.
      expect(perBackend.engine).toMatchObject({ executions: 5, succeeded: 5, transitions: 25 });
      expect(perBackend.engine.transitionsPerSecond).toEqual(expect.any(Number));
      expect(perBackend.engine.schedulingLatencyMs).toMatchObject({ count: 20, p50: expect.any(Number), p99: expect.any(Number) });
      expect(perBackend.ratio).toEqual(expect.any(Number));
      // The previous design ran the same work in the same run, so the outbox's cost is a ratio of two real runs.
      expect(perBackend.engineWithoutOutbox).toMatchObject({ executions: 5, succeeded: 5, transitions: 25 });
      expect(perBackend.outboxCost).toEqual(expect.any(Number));
      // The durable-commit limit ran the same chains in the same run, with its cost per transition counted.
      expect(perBackend.limit).toMatchObject({ transitions: 25 });
      expect(perBackend.limitRatio).toEqual(expect.any(Number));
      expect(perBackend.perTransition.engine.engineStatements).toBeGreaterThan(0);
      expect(perBackend.perTransition.limit.engineStatements).toBeGreaterThan(0);
      // The engine's transactions pipeline: BEGIN goes with the lock, the writes with COMMIT.
      expect(perBackend.perTransition.engine.engineRoundTrips).toBeLessThan(perBackend.perTransition.engine.engineStatements);
    }
    expect(result.targets.map((t) => t.name)).toEqual([
      'redis: engine/raw throughput ratio',
      'redis: engine/limit throughput ratio',
      'redis: engine transitions/s',
      'redis: p99 scheduling latency',
      'redis: outbox cost in transitions/s',
      'postgres: engine/raw throughput ratio',
      'postgres: engine/limit throughput ratio',
      'postgres: engine transitions/s',
      'postgres: p99 scheduling latency',
      'postgres: outbox cost in transitions/s',
    ]);
  });

  it('writes waiting-scale results', async () => {
    const result = await readResult(outDir, 'waiting-scale');
    expect(result).toMatchObject({ name: 'waiting-scale', quick: true, status: 'ok', params: { executions: 200 } });
    expect(result.results).toMatchObject({
      create: { parkedSeconds: expect.any(Number), executionsPerSecond: expect.any(Number) },
      list: { primary: { failures: 0, rows: 50, latencyMs: { p50: expect.any(Number), p99: expect.any(Number) } } },
      resume: { succeededSeconds: expect.any(Number), judgeConflicts: 0 },
      workerMemory: { peakRssMb: expect.any(Number), idle: { rssMb: expect.any(Number) } },
    });
    expect(result.targets).toHaveLength(2);
    for (const t of result.targets) expect(t.value).toEqual(expect.any(Number));
  });
});

async function readResult(dir: string, name: string): Promise<BenchResult> {
  const result = benchResultSchema.parse(JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')));
  expect(result.commit).not.toBe('');
  expect(result.machine.cores).toBeGreaterThan(0);
  for (const t of result.targets) expect(typeof t.met).toBe('boolean');
  return result;
}

function runBench(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The runner bounds each phase itself; this only guards against a hung child.
    const killer = setTimeout(() => child.kill('SIGKILL'), 230_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}
