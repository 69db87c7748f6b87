import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used by this process, PostgreSQL and Redis over a phase. On a 2-core box the three
 * share the cores, so "who burned the CPU" says more about a throughput ceiling than a profile of
 * one process. Read from /proc (Linux); elsewhere the server figures are null.
 */
export interface CpuSnapshot {
  at: number;
  process: NodeJS.CpuUsage;
  postgres: number | null;
  redis: number | null;
  machineBusy: number | null;
}

export interface CpuUsageReport {
  wallSeconds: number;
  /** CPU seconds of this Node process (API, worker, load generator as the benchmark runs them). */
  nodeSeconds: number;
  /** All postgres server processes on the machine: other users' load shows up here too. */
  postgresSeconds: number | null;
  redisSeconds: number | null;
  /**
   * Busy CPU seconds of the whole machine (all cores). Well above node + postgres + redis means
   * something else (another user's tests, a child process of the benchmark) shared the cores.
   */
  machineBusySeconds: number | null;
}

export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A /proc/<pid>/stat line: the command name, the process's CPU ticks and those of its reaped children. */
export function parseProcStat(stat: string): { comm: string; ticks: number; childTicks: number } {
  // comm is in parentheses and may hold spaces; the fields after it are fixed.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    comm: stat.slice(stat.indexOf('(') + 1, close),
    ticks: Number(fields[11]) + Number(fields[12]), // utime + stime
    childTicks: Number(fields[13]) + Number(fields[14]), // cutime + cstime
  };
}

export function cpuSnapshot(): CpuSnapshot {
  const servers = serverTicks();
  return {
    at: performance.now(),
    process: process.cpuUsage(),
    postgres: servers?.postgres ?? null,
    redis: servers?.redis ?? null,
    machineBusy: machineBusyTicks(),
  };
}

export function cpuSince(start: CpuSnapshot): CpuUsageReport {
  const end = cpuSnapshot();
  const used = process.cpuUsage(start.process);
  const seconds = (ticks: number | null, from: number | null) =>
    ticks === null || from === null ? null : Math.round(((ticks - from) / TICKS_PER_SECOND) * 100) / 100;
  return {
    wallSeconds: Math.round((end.at - start.at) / 10) / 100,
    nodeSeconds: Math.round((used.user + used.system) / 1e4) / 100,
    postgresSeconds: seconds(end.postgres, start.postgres),
    redisSeconds: seconds(end.redis, start.redis),
    machineBusySeconds: seconds(end.machineBusy, start.machineBusy),
  };
}

function serverTicks(): { postgres: number; redis: number } | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let postgres = 0;
  let redis = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited between readdir and read
    }
    const { comm, ticks, childTicks } = parseProcStat(stat);
    // + childTicks: a backend that exits mid-phase hands its CPU time to the postmaster that reaps it.
    if (comm === 'postgres' || comm.startsWith('postgres:')) postgres += ticks + childTicks;
    else if (comm.startsWith('redis-server')) redis += ticks;
  }
  return { postgres, redis };
}

/** All cores' non-idle ticks from the first line of /proc/stat (idle and iowait excluded). */
function machineBusyTicks(): number | null {
  try {
    const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
    const fields = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return total - (fields[3] ?? 0) - (fields[4] ?? 0);
  } catch {
    return null;
  }
}
