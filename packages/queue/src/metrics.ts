import { Gauge, Histogram } from 'prom-client';
import { openQueue, type QueueBackendConfig } from './backend';

/** In prom-client's default registry, served at /metrics. The backend label is `redis` or `postgres`. */
export const messageLagSeconds = new Histogram({
  name: 'gantry_queue_message_lag_seconds',
  help: 'Time from when a message was due (sent, or its delay over) to a worker taking it, first deliveries only, by queue backend',
  labelNames: ['backend'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

const DEPTH_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
const depthSources = new Map<string, () => Promise<Record<string, number>>>();

/** How long a scrape waits for the queue's counts: a queue that is down must not hang /metrics. */
const DEPTH_TIMEOUT_MS = 1_000;

new Gauge({
  name: 'gantry_queue_messages',
  help: 'Messages on the engine queue by state (waiting, prioritized, active, delayed, failed), read at each scrape, by queue backend',
  labelNames: ['backend', 'state'] as const,
  async collect() {
    this.reset();
    for (const [backend, counts] of depthSources) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), DEPTH_TIMEOUT_MS)));
      const answer = await Promise.race([counts().catch(() => undefined), timeout]);
      clearTimeout(timer);
      if (answer === undefined) continue;
      for (const state of DEPTH_STATES) this.set({ backend, state }, answer[state] ?? 0);
    }
  },
});

/** Reports the queue's depth at each scrape of this process's /metrics, until the returned close. */
export function reportQueueDepth(config: QueueBackendConfig): () => Promise<void> {
  const { queue, close } = openQueue(config);
  depthSources.set(config.kind, () => queue.getJobCounts(...DEPTH_STATES));
  return async () => {
    depthSources.delete(config.kind);
    await close();
  };
}
