import { openQueue, openWorker, type MessageOf, type QueueBackendConfig } from '@gantry/queue';
import { cpuSince, cpuSnapshot, type CpuUsageReport } from '../../lib/cpu';
import { distribution, perSecond, type Distribution } from '../../lib/stats';
import { PhaseTimeout } from '../../lib/time';

export interface RawChainsResult {
  /** jobs/s of each repetition; the reported numbers are those of the median one. */
  repetitionsJobsPerSecond: Array<number | null>;
  jobs: number;
  elapsedMs: number;
  jobsPerSecond: number | null;
  /** Processor end of job i (after it enqueued i+1) → processor start of job i+1. */
  handoffLatencyMs: Distribution | null;
  cpu: CpuUsageReport;
}

/**
 * (a) Raw BullMQ: `chains` chains of `length` no-op jobs; each job enqueues its successor when it is
 * done, as an engine handler sends its follow-up. It uses the very Queue/Worker construction of
 * the engine's bus and consumer (openQueue/openWorker: same job options, connections, pool sizes),
 * so the engine/raw ratio isolates what the engine adds on top of the queue.
 */
export async function runRawChains(
  queue: QueueBackendConfig,
  options: { chains: number; length: number; concurrency: number; timeoutMs: number; repetitions: number },
): Promise<RawChainsResult> {
  const producer = openQueue(queue);
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  let remainingChains = 0;
  let finish: () => void = () => undefined;
  /** Resolves when `count` chains have run their last job. */
  const chainsDone = (count: number) => {
    remainingChains = count;
    return new Promise<void>((resolve) => {
      finish = resolve;
    });
  };

  const consumer = openWorker(
    queue,
    async (job) => {
      const message = job.data;
      if (message.type !== 'RunTask') return;
      const chain = message.executionId;
      const step = Number(message.stageId);
      starts.set(`${chain}:${step}`, performance.now());
      if (step + 1 < options.length) await producer.queue.add('RunTask', chainMessage(chain, step + 1));
      ends.set(`${chain}:${step}`, performance.now());
      if (step + 1 === options.length && --remainingChains === 0) finish();
    },
    { concurrency: options.concurrency, lockDurationMs: 30_000, stalledIntervalMs: 30_000 },
  );
  try {
    await consumer.worker.waitUntilReady();
    // A few chains first, so connection set-up and JIT warm-up stay out of the measured run.
    const warm = chainsDone(3);
    await producer.queue.addBulk(Array.from({ length: 3 }, (_, chain) => ({ name: 'RunTask', data: chainMessage(`warm${chain}`, 0) })));
    await withTimeout(warm, options.timeoutMs, () => `warm-up: ${starts.size} jobs seen`);

    // A raw run lasts well under a second, so one scheduler hiccup moves it a lot: take the median run.
    const runs: Omit<RawChainsResult, 'repetitionsJobsPerSecond'>[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      starts.clear();
      ends.clear();
      runs.push(await measuredRun(`r${repetition}`));
    }
    const sorted = [...runs].sort((a, b) => (a.jobsPerSecond ?? 0) - (b.jobsPerSecond ?? 0));
    const median = sorted[Math.floor(sorted.length / 2)];
    if (!median) throw new Error('raw BullMQ chains: no repetition ran');
    return { repetitionsJobsPerSecond: runs.map((run) => run.jobsPerSecond), ...median };
  } finally {
    await consumer.close();
    await producer.close();
  }

  async function measuredRun(label: string): Promise<Omit<RawChainsResult, 'repetitionsJobsPerSecond'>> {
    const allDone = chainsDone(options.chains);
    const t0 = performance.now();
    const cpuAtStart = cpuSnapshot();
    await producer.queue.addBulk(
      Array.from({ length: options.chains }, (_, chain) => ({ name: 'RunTask', data: chainMessage(`${label}c${chain}`, 0) })),
    );
    await withTimeout(allDone, options.timeoutMs, () => `${options.chains - remainingChains} of ${options.chains} chains done`);
    const elapsedMs = performance.now() - t0;
    const cpu = cpuSince(cpuAtStart);

    const handoffs: number[] = [];
    for (const [key, end] of ends) {
      const [chain, step] = key.split(':');
      const next = starts.get(`${chain}:${Number(step) + 1}`);
      if (next !== undefined) handoffs.push(next - end);
    }
    const jobs = options.chains * options.length;
    return { jobs, elapsedMs: Math.round(elapsedMs), jobsPerSecond: perSecond(jobs, elapsedMs), handoffLatencyMs: distribution(handoffs), cpu };
  }
}

// Any job type will do for a no-op; RunTask's shape carries a chain id and a step number.
function chainMessage(chain: string, step: number): MessageOf<'RunTask'> {
  return { type: 'RunTask', executionId: chain, stageId: String(step), taskId: 'noop' };
}

async function withTimeout(done: Promise<void>, timeoutMs: number, progress: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PhaseTimeout('raw BullMQ chains', timeoutMs, progress())), timeoutMs);
  });
  try {
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
