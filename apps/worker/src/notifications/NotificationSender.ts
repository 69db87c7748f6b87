import { shownAddress } from '@gantry/core';
import { inTransaction, insertAudit, lockDueNotification, markNotificationFailed, markNotificationSent, type DueNotification } from '@gantry/store';
import type pg from 'pg';
import { backoffDelay, type EngineLogger, type RetryPolicy } from '../engine/EngineContext';
import type { Attempt, Channels } from './channels';

export interface NotificationSenderOptions {
  pool: pg.Pool;
  channels: Channels;
  log: EngineLogger;
  /** How often to look for due notifications when the last look found none. */
  intervalMs: number;
  /** Attempts before a notification is FAILED for good. */
  maxAttempts: number;
  /** Backoff between attempts (full jitter, as task retries). */
  retry: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** Notifications sent at once by this worker. */
  parallel?: number;
  now?: () => Date;
}

/**
 * Sends the notifications the engine recorded (packages/store notifications.ts). Each send runs in
 * a transaction holding the row's lock: a worker killed mid-send releases it and another worker
 * sends it; a sent row is marked in that same transaction. So a message is sent once unless a
 * worker dies in the instant between the channel's answer and the commit (then twice; email
 * carries a stable Message-ID, webhooks an Idempotency-Key). A failed attempt is retried with
 * backoff and recorded on the execution (audit NOTIFICATION_FAILED); it never fails the execution.
 */
export function startNotificationSender(options: NotificationSenderOptions): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const lanes = new Set<Promise<void>>();

  const sendOne = (): Promise<boolean> =>
    inTransaction(options.pool, async (sql) => {
      const due = await lockDueNotification(sql, now());
      if (due === undefined) return false;
      const attempt = await options.channels.deliver(due).catch((error: unknown): Attempt => ({ ok: false, permanent: false, error: String(error) }));
      if (attempt.ok) {
        await markNotificationSent(sql, due.id, now());
        return true;
      }
      const attempts = due.attempts + 1;
      const last = attempt.permanent || attempts >= options.maxAttempts;
      const delayMs = Math.max(attempt.retryAfterMs ?? 0, backoffDelay({ maxRetries: options.maxAttempts, ...options.retry }, attempts));
      await markNotificationFailed(sql, due.id, attempt.error, last ? undefined : new Date(now().getTime() + delayMs));
      if (due.execution_id !== null) await insertAudit(sql, { type: 'NOTIFICATION_FAILED', executionId: due.execution_id, ...(due.stage_id === null ? {} : { stageId: due.stage_id }), data: failureData(due, attempts, attempt.error, last) });
      options.log.warn({ notification: due.key, attempts, error: attempt.error, final: last }, 'notification not delivered');
      return true;
    });

  const lane = async () => {
    try {
      while (!stopped && (await sendOne()));
    } catch (error) {
      options.log.warn({ err: error }, 'notification sender failed; retrying on the next tick');
    }
  };
  const tick = () => {
    while (!stopped && lanes.size < (options.parallel ?? 4)) {
      const running: Promise<void> = lane().finally(() => lanes.delete(running));
      lanes.add(running);
    }
    if (!stopped) timer = setTimeout(tick, options.intervalMs);
  };
  timer = setTimeout(tick, options.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(lanes);
      options.channels.close();
    },
  };
}

function failureData(due: DueNotification, attempts: number, error: string, final: boolean) {
  return { event: due.event, type: due.type, address: shownAddress(due.address), attempts, error: error.slice(0, 500), willRetry: !final };
}
