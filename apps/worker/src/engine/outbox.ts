import { seal, type EngineMessage, type MessageBus, type OutgoingMessage } from '@gantry/queue';
import { currentTrace } from '@gantry/telemetry';
import { collectAudits, deleteOutbox, inTransaction, insertOutboxAndAudits, relayOutbox, type AuditInput, type SqlClient } from '@gantry/store';
import type pg from 'pg';
import type { EngineContext, EngineLogger } from './EngineContext';

/**
 * Runs a handler's step in one transaction and, before it commits, records the messages the step
 * implies in the outbox. Their fate is then tied to the commit: both or neither. The step's audit
 * events are written in that same last statement, so a transition's bookkeeping is one round trip.
 */
export function inEngineTransaction(
  ctx: EngineContext,
  step: (sql: SqlClient) => Promise<OutgoingMessage[]>,
): Promise<OutgoingMessage[]> {
  return inTransaction(ctx.pool, async (sql) => {
    const { result: next, audits } = await collectAudits(sql, () => step(sql));
    return recordInOutbox(sql, next, audits, ctx);
  });
}

async function recordInOutbox(sql: SqlClient, next: OutgoingMessage[], audits: AuditInput[], ctx: EngineContext): Promise<OutgoingMessage[]> {
  // The previous design (send after commit, nothing recorded) stays selectable for the bench only.
  const recorded = ctx.outbox ? next : [];
  const records = await insertOutboxAndAudits(
    sql,
    // Sealed as the queue would: the row keeps the version and trace it was decided in, whoever relays it.
    recorded.map(({ message, delayMs, trace }) => ({ message: seal(message, trace ?? currentTrace()), delayMs })),
    audits,
    ctx.now(),
  );
  if (records.length === 0) return next;
  return next.map((outgoing, i) => ({ ...outgoing, outboxId: records[i]!.id }));
}

/**
 * Deletes outbox rows the queue accepted, batched: one DELETE per burst of handlers instead of one
 * per message. A row whose delete is lost (crash, database down) is relayed once more later, which
 * its job id turns into no new job while the first is still queued, and a handler ignores otherwise.
 */
export class OutboxAcks {
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: EngineLogger,
  ) {}

  add(sent: OutgoingMessage[]): void {
    for (const { outboxId } of sent) if (outboxId !== undefined) this.pending.push(outboxId);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  async flush(): Promise<void> {
    const ids = this.pending;
    this.pending = [];
    try {
      await deleteOutbox(this.pool, ids);
    } catch (error) {
      this.log.warn({ err: error, count: ids.length }, 'could not delete relayed outbox rows; they will be relayed again');
    } finally {
      this.flushing = undefined;
      if (this.pending.length > 0) this.add([]);
    }
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
