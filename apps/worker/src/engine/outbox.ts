import { seal, type EngineMessage, type MessageBus, type OutgoingMessage } from '@gantry/queue';
import { currentTrace } from '@gantry/telemetry';
import { deferWrites, deleteOutbox, inPipelinedTransaction, outboxRows, relayOutbox, type SqlClient } from '@gantry/store';
import type pg from 'pg';
import type { EngineContext, EngineLogger } from './EngineContext';

/**
 * Runs a handler's step in one transaction and, before it commits, records the messages the step
 * implies in the outbox. Their fate is then tied to the commit: both or neither. The step's plain
 * writes (row updates, task inserts, audit events; see WriteBatch) are held back and go out with
 * the outbox rows, and with the deletes of rows already sent, in one statement sent with COMMIT.
 */
export async function inEngineTransaction(
  ctx: EngineContext,
  step: (sql: SqlClient) => Promise<OutgoingMessage[]>,
): Promise<OutgoingMessage[]> {
  const acked = ctx.outboxAcks?.take() ?? [];
  try {
    return await inPipelinedTransaction(ctx.pool, async (client) => {
      const { result: next, batch } = await deferWrites(client, step);
      // The previous design (send after commit, nothing recorded) stays selectable for the bench only.
      const recorded = ctx.outbox ? next : [];
      // Sealed as the queue would: the row keeps the version and trace it was decided in, whoever relays it.
      const rows = outboxRows(recorded.map(({ message, delayMs, trace }) => ({ message: seal(message, trace ?? currentTrace()), delayMs })), ctx.now());
      batch.addOutbox(rows);
      batch.forgetOutbox(acked);
      const result = rows.length === 0 ? next : next.map((outgoing, i) => ({ ...outgoing, outboxId: rows[i]!.id }));
      return { result, last: batch.take() };
    });
  } catch (error) {
    ctx.outboxAcks?.giveBack(acked);
    throw error;
  }
}

/**
 * Deletes outbox rows the queue accepted. They ride along with the next engine transaction's
 * writes (inEngineTransaction takes them), so a busy worker spends no statement on them; an idle
 * one deletes them in a statement of their own after `fallbackMs`. A row whose delete is lost
 * (crash, database down) is relayed once more later, which its job id turns into no new job while
 * the first is still queued, and a handler ignores otherwise.
 */
export class OutboxAcks {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: EngineLogger,
    private readonly fallbackMs = 20,
  ) {}

  add(sent: OutgoingMessage[]): void {
    for (const { outboxId } of sent) if (outboxId !== undefined) this.pending.push(outboxId);
    this.arm();
  }

  /** The ids waiting to be deleted, now the caller's to delete. */
  take(): string[] {
    const ids = this.pending;
    this.pending = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    return ids;
  }

  /** Ids a caller took and could not delete (its transaction failed). */
  giveBack(ids: string[]): void {
    this.pending.push(...ids);
    this.arm();
  }

  async flush(): Promise<void> {
    const ids = this.take();
    try {
      await deleteOutbox(this.pool, ids);
    } catch (error) {
      this.log.warn({ err: error, count: ids.length }, 'could not delete relayed outbox rows; they will be relayed again');
    }
  }

  private arm(): void {
    if (this.pending.length === 0 || this.timer !== undefined) return;
    this.timer = setTimeout(() => void this.flush(), this.fallbackMs);
    this.timer.unref();
  }
}

export interface OutboxRelayOptions {
  pool: pg.Pool;
  bus: MessageBus;
  log: EngineLogger;
  /** How often to look for rows nobody relayed. */
  intervalMs: number;
  /** A row younger than this is still being sent by the handler that wrote it. */
  graceMs: number;
}

/**
 * Sends the outbox rows whose handler could not: the queue was down, or the process died between
 * its commit and its send. Every worker runs one; SKIP LOCKED shares the rows out between them.
 */
export function startOutboxRelay(options: OutboxRelayOptions): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> | undefined;
  const batch = 500;
  const relayAll = async () => {
    try {
      while (!stopped) {
        const relayed = await relayOutbox(options.pool, { olderThanMs: options.graceMs, limit: batch }, (records) => {
          const now = Date.now();
          return options.bus.sendAll(
            records.map((record) => ({
              message: record.message as unknown as EngineMessage,
              delayMs: Math.max(0, record.deliverAt.getTime() - now),
              outboxId: record.id,
            })),
          );
        });
        if (relayed > 0) options.log.warn({ count: relayed }, 'relayed outbox messages their handler could not send');
        if (relayed < batch) return;
      }
    } catch (error) {
      options.log.warn({ err: error }, 'outbox relay failed; retrying on the next tick');
    }
  };
  const timer = setInterval(() => {
    running ??= relayAll().finally(() => {
      running = undefined;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
