import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitCommit, machineInfo } from './lib/machine';
import { benchResultSchema, type BenchResult, type Benchmark } from './lib/result';
import { formatSummary } from './lib/table';
import { BENCHMARKS } from './registry';
import { installQueryCensus, queryCensusReport, resetQueryCensus } from './tools/queryCensus';

const USAGE = `usage: npm run bench -- [--quick] [--out DIR] [NAME ...]

  NAME       benchmarks to run (default: all): ${BENCHMARKS.map((b) => b.name).join(', ')}
  --quick    small smoke variant of each benchmark (seconds, not minutes)
  --out DIR  where to write <name>.json (default: bench/results)
  --list     print the benchmarks and exit
  --census   count the SQL statements each benchmark sends (diagnostic; printed on stderr)`;

interface Cli {
  quick: boolean;
  census: boolean;
  outDir: string;
  selected: Benchmark[];
}

function parseArgs(argv: string[]): Cli | 'list' | 'help' {
  let quick = false;
  let census = false;
  let outDir = fileURLToPath(new URL('./results/', import.meta.url));
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--census') census = true;
    else if (arg === '--list') return 'list';
    else if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--out') outDir = path.resolve(argv[++i] ?? '');
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else names.push(arg);
  }
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}\n${USAGE}`);
  const selected = names.length === 0 ? [...BENCHMARKS] : BENCHMARKS.filter((b) => names.includes(b.name));
  return { quick, census, outDir, selected };
}

const PROFILED = process.execArgv.some((flag) => flag.startsWith('--cpu-prof'));

async function runOne(benchmark: Benchmark, cli: Cli, provenance: Pick<BenchResult, 'commit' | 'machine'>) {
  const startedAt = new Date();
  const loadAvgAtStart = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  const t0 = performance.now();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  log(`${benchmark.name}${cli.quick ? ' (quick)' : ''}: ${benchmark.description}`);
  let outcome: Awaited<ReturnType<Benchmark['run']>> | undefined;
  let failure: string | undefined;
  if (cli.census) resetQueryCensus();
  try {
    outcome = await benchmark.run({ quick: cli.quick, log });
  } catch (error) {
    failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`${benchmark.name} failed: ${failure}`);
  }
  if (cli.census) log(`${benchmark.name} SQL census: ${queryCensusReport()}`);
  const result: BenchResult = benchResultSchema.parse({
    name: benchmark.name,
    quick: cli.quick,
    ...provenance,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    loadAvgAtStart,
    profiled: PROFILED,
    status: outcome?.status ?? 'failed',
    reason: failure?.split('\n')[0] ?? outcome?.reason,
    params: outcome?.params ?? {},
    results: outcome?.results ?? {},
    targets: outcome?.targets ?? [],
  });
  await writeFile(path.join(cli.outDir, `${benchmark.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return { result, summary: outcome?.summary ?? [] };
}

async function main(): Promise<number> {
  const cli = parseArgs(process.argv.slice(2));
  if (cli === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cli === 'list') {
    for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(18)} ${b.description}\n`);
    return 0;
  }
  await mkdir(cli.outDir, { recursive: true });
  if (cli.census) installQueryCensus();
  if (PROFILED) process.stderr.write('[bench] running under --cpu-prof: numbers are for finding costs, not for comparing\n');
  const provenance = { commit: await gitCommit(), machine: machineInfo() };
  const done: Awaited<ReturnType<typeof runOne>>[] = [];
  // One at a time: on 2 cores, two benchmarks side by side would measure each other.
  for (const benchmark of cli.selected) done.push(await runOne(benchmark, cli, provenance));
  process.stdout.write(`\n${formatSummary(done)}\n\nresults: ${cli.outDir}\n`);
  return done.some(({ result }) => result.status === 'failed') ? 1 : 0;
}

main().then(
  // Exit explicitly: a library's stray timer or socket must not keep a finished run alive.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
