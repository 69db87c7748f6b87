import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { QueueBackendConfig } from '@gantry/queue';
import { TICKS_PER_SECOND, parseProcStat } from '../lib/cpu';

const ENTRY = fileURLToPath(new URL('./workerChild.ts', import.meta.url));

export interface ProcessMemory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** process.memoryUsage() of the worker, in MB, as the worker itself last reported it. */
export interface MemoryBreakdown {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

export interface ChildWorker {
  process: ChildProcess;
  memory(): ProcessMemory | null;
  /** CPU seconds the worker has used so far (user + system). */
  cpuSeconds(): number | null;
  /** The worker's latest self-report, and the one taken at its highest RSS so far. */
  breakdown(): { latest: MemoryBreakdown | null; atPeak: MemoryBreakdown | null };
  stop(): Promise<void>;
}

/** Starts the worker child and resolves once it takes messages (bounded: 60 s). */
export async function spawnWorker(databaseUrl: string, queue: QueueBackendConfig): Promise<ChildWorker> {
  // node with tsx as a loader, not the tsx CLI: the pid is then the worker's own, not a wrapper's.
  const child = spawn(process.execPath, [...profilingFlags(), '--import', 'tsx', ENTRY], {
    env: { ...process.env, DATABASE_URL: databaseUrl, GANTRY_BENCH_QUEUE: JSON.stringify(queue) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let latest: MemoryBreakdown | null = null;
  let atPeak: MemoryBreakdown | null = null;
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('memory ')) continue;
      latest = toBreakdown(JSON.parse(line.slice('memory '.length)) as NodeJS.MemoryUsage);
      if (!atPeak || latest.rssMb > atPeak.rssMb) atPeak = latest;
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready after 60 s: ${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`));
    });
  });
  const pid = child.pid;
  return {
    process: child,
    memory() {
      const status = readProc(pid, 'status');
      if (!status) return null;
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
      return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10 };
    },
    breakdown: () => ({ latest, atPeak }),
    cpuSeconds() {
      const stat = readProc(pid, 'stat');
      if (!stat) return null;
      return parseProcStat(stat).ticks / TICKS_PER_SECOND;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A graceful close waits for handlers in flight; never longer than this.
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(forced);
    },
  };
}

function readProc(pid: number | undefined, file: 'status' | 'stat'): string | null {
  if (pid === undefined) return null;
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** `node --cpu-prof … bench/run.ts` profiles the worker child too (its profile lands beside the parent's). */
function profilingFlags(): string[] {
  return process.execArgv.filter((flag) => flag === '--cpu-prof' || flag.startsWith('--cpu-prof-dir='));
}

function toBreakdown(usage: NodeJS.MemoryUsage): MemoryBreakdown {
  const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;
  return {
    rssMb: mb(usage.rss),
    heapTotalMb: mb(usage.heapTotal),
    heapUsedMb: mb(usage.heapUsed),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
  };
}
