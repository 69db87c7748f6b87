import type { FastifyInstance } from 'fastify';
import { buildServer } from '@gantry/api';
import type { ProviderRegistry } from '@gantry/providers';
import { startWorker, type RunningWorker } from '@gantry/worker';
import { createMessageBus, type MessageBus, type QueueBackendConfig } from '@gantry/queue';
import {
  AuthStore,
  PipelineRepository,
  PostgresExecutionCommands,
  PostgresExecutionRepository,
  type Database,
} from '@gantry/store';

/** Handlers log through this; a benchmark wants numbers on stdout, and errors only. */
export const benchLog = {
  info: () => undefined,
  warn: () => undefined,
  error: (object: object, message?: string) => process.stderr.write(`[worker] ${message ?? ''} ${safeJson(object)}\n`),
};

/** The production default (WorkerOptions.concurrency); raw BullMQ gets the same, for a fair ratio. */
export const WORKER_CONCURRENCY = 20;

export interface BenchGantry {
  api: FastifyInstance;
  bus: MessageBus;
  executions: PostgresExecutionRepository;
  commands: PostgresExecutionCommands;
  worker: RunningWorker | undefined;
  /** An admin token's Authorization header: the API runs with authentication on, as by default. */
  headers: { authorization: string };
  /** Saves a pipeline through the API (so it is validated exactly as a user's would be); its id. */
  savePipeline(definition: unknown): Promise<string>;
  close(): Promise<void>;
}

/**
 * API + (optionally) a worker in this process, wired like test/support/gantryHarness.ts and the
 * single-process `npm start`: the real repositories, bus and startWorker, only the logger silenced.
 */
export async function startBenchGantry(options: {
  db: Database;
  queue: QueueBackendConfig;
  worker: boolean;
  concurrency?: number;
  /** Another MessageBus for the API and worker (bench/tools/busVariants.ts compares variants). */
  createBus?: (queue: QueueBackendConfig) => MessageBus;
  /** false: the engine's previous design, follow-ups sent after commit with no outbox (engine-vs-bullmq compares them). */
  outbox?: boolean;
  /** The worker's cloud accounts (manifest-deploy's Kubernetes fake); none by default. */
  providers?: ProviderRegistry;
}): Promise<BenchGantry> {
  const bus = (options.createBus ?? createMessageBus)(options.queue);
  const pool = options.db.pool;
  const executions = new PostgresExecutionRepository(pool);
  const commands = new PostgresExecutionCommands(pool);
  const store = new AuthStore(pool);
  const { token } = await store.createToken({ name: 'bench', roles: ['admin'], createdBy: 'bench' });
  const headers = { authorization: `Bearer ${token}` };
  const api = buildServer({
    auth: { mode: 'on', store },
    pipelines: new PipelineRepository(options.db.prisma),
    executions,
    commands,
    bus,
    readiness: async () => [{ name: 'postgresql', ok: true }],
    logger: false,
  });
  await api.ready();
  const worker = options.worker
    ? startWorker({
        db: options.db,
        bus,
        queue: options.queue,
        log: benchLog,
        concurrency: options.concurrency ?? WORKER_CONCURRENCY,
        outbox: options.outbox ?? true,
        ...(options.providers === undefined ? {} : { providers: options.providers }),
      })
    : undefined;
  return {
    api,
    bus,
    executions,
    commands,
    worker,
    headers,
    async savePipeline(definition) {
      const response = await api.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(definition),
      });
      const body: unknown = response.json();
      if (response.statusCode !== 201 || !hasId(body)) {
        throw new Error(`saving the pipeline failed: ${response.statusCode} ${response.body}`);
      }
      return body.id;
    },
    async close() {
      await worker?.close();
      await api.close();
      await bus.close();
    },
  };
}

function hasId(body: unknown): body is { id: string } {
  return typeof body === 'object' && body !== null && typeof (body as { id?: unknown }).id === 'string';
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { message: v.message, name: v.name } : v));
  } catch {
    return String(value);
  }
}

/** A linear chain s00 → s01 → … of `count` stages built by `stage(refId)`. */
export function linearStages(count: number, stage: (refId: string) => Record<string, unknown>): Record<string, unknown>[] {
  const refId = (index: number) => `s${String(index).padStart(3, '0')}`;
  return Array.from({ length: count }, (_, index) => ({
    ...stage(refId(index)),
    refId: refId(index),
    requisiteStageRefIds: index === 0 ? [] : [refId(index - 1)],
  }));
}
