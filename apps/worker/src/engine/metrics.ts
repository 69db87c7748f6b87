import { Counter, Histogram } from 'prom-client';

/** In prom-client's default registry, which the API serves at /metrics (same process with `npm start`). */
export const engineMessages = new Counter({
  name: 'gantry_engine_messages_total',
  help: 'Engine messages handled, by message type and outcome',
  labelNames: ['type', 'outcome'] as const,
});

export const engineMessageSeconds = new Histogram({
  name: 'gantry_engine_message_duration_seconds',
  help: 'Time to handle one engine message (transaction and follow-up sends), by message type',
  labelNames: ['type'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});
