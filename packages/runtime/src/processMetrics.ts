import { collectDefaultMetrics } from 'prom-client';

let started = false;

/** Node process metrics (memory, event loop lag, GC) in the default registry, once per process. */
export function collectProcessMetrics(): void {
  if (started) return;
  started = true;
  collectDefaultMetrics({ prefix: 'gantry_' });
}
