import { z } from 'zod';

/**
 * The JSON each benchmark writes to bench/results/<name>.json. The schema is the contract the
 * README documents and bench.test.ts checks, so a field renamed here breaks the test, not a reader.
 */
export const targetSchema = z.object({
  name: z.string().min(1),
  /** Human-readable bound, e.g. "≥ 0.25" or "≤ 50 ms". */
  target: z.string().min(1),
  /** null when the benchmark could not measure it (skipped, failed, timed out). */
  value: z.number().nullable(),
  met: z.boolean(),
});

export const machineSchema = z.object({
  cores: z.number().int().positive(),
  cpuModel: z.string(),
  totalMemGb: z.number().positive(),
  node: z.string(),
});

export const benchResultSchema = z.object({
  name: z.string().min(1),
  quick: z.boolean(),
  commit: z.string(),
  machine: machineSchema,
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  /** 1-minute load average when the benchmark started: above ~0.5 on 2 cores, something else was running. */
  loadAvgAtStart: z.number().nonnegative(),
  /** Run under `node --cpu-prof`: times are slower and the worker's RSS includes the profiler's buffers. */
  profiled: z.boolean(),
  status: z.enum(['ok', 'skipped', 'failed']),
  /** Why the benchmark did not run (status skipped) or what broke (status failed). */
  reason: z.string().optional(),
  params: z.record(z.string(), z.unknown()),
  results: z.record(z.string(), z.unknown()),
  targets: z.array(targetSchema),
});

export type Target = z.infer<typeof targetSchema>;
export type Machine = z.infer<typeof machineSchema>;
export type BenchResult = z.infer<typeof benchResultSchema>;

/** What a benchmark module hands back; run.ts adds the provenance fields (commit, machine, times). */
export interface BenchOutcome {
  status: 'ok' | 'skipped';
  reason?: string;
  params: Record<string, unknown>;
  results: Record<string, unknown>;
  targets: Target[];
  /** Rows for the summary table on stdout: [metric, value]. */
  summary: Array<[string, string]>;
}

export interface BenchOptions {
  quick: boolean;
  /** Progress lines go to stderr, so stdout stays the summary table. */
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchOutcome>;
}

/** A target that is met when `value` is on the right side of `bound`; unmeasured values never meet. */
export function target(name: string, value: number | null, comparison: '>=' | '<=', bound: number, unit = ''): Target {
  const shown = `${comparison === '>=' ? '≥' : '≤'} ${bound}${unit ? ` ${unit}` : ''}`;
  const met = value !== null && Number.isFinite(value) && (comparison === '>=' ? value >= bound : value <= bound);
  return { name, target: shown, value, met };
}
