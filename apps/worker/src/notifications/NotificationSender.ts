import { shownAddress } from '@gantry/core';
import { claimDueNotification, inTransaction, insertAudit, markNotificationFailed, markNotificationSent, type DueNotification } from '@gantry/store';
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
  /**
   * How long a claim keeps other senders off a row. It must outlast a send: the channels' requests
   * are bounded well below it (WorkerRuntime), so a live sender always marks before its lease ends.
   */
  leaseMs: number;
  /** Notifications sent at once by this worker. */
  parallel?: number;
  now?: () => Date;
}

/**
 * Sends the notifications the engine recorded (packages/store notifications.ts), effectively once:
 *
 * 1. claim: one committed statement takes the row for `leaseMs` (claimDueNotification);
 * 2. send: through its channel, with what makes a repeat harmless where the receiver allows it
 *    (webhooks: the row's key as `Idempotency-Key`; email: a Message-ID derived from it; Google
 *    Chat: a `requestId`, which Google answers with the first message; Slack chat.postMessage: the
 *    key in the message's metadata, and a claim after a vanished one first looks for it in the
 *    channel's history instead of posting again);
 * 3. mark: SENT (or failed, retried with backoff) in one statement, only if the claim is still ours.
 *
 * A sender killed before 3 leaves the row claimed until the lease runs out; the next claim is
 * `uncertain` and resends through the same idempotent request (or finds the Slack message). The
 * window left: Teams' and Slack's incoming webhooks can neither be asked nor told "once", so a kill
 * after such a receiver took the request and before the mark repeats that one message, once per
 * kill (test/e2e/notifications.test.ts bounds it by the rows' vanished claims). A failed attempt is
 * recorded on the execution (audit NOTIFICATION_FAILED); it never fails the execution.
 */
export function startNotificationSender(options: NotificationSenderOptions): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const lanes = new Set<Promise<void>>();

  const sendOne = async (): Promise<boolean> => {
    const claimed = await claimDueNotification(options.pool, now(), options.leaseMs);
    if (claimed === undefined) return false;
    const attempt = await options.channels.deliver(claimed).catch((error: unknown): Attempt => ({ ok: false, permanent: false, error: String(error) }));
    if (attempt.ok) {
      if (!(await markNotificationSent(options.pool, claimed, now(), attempt.remoteRef))) lostLease(claimed);
      return true;
    }
    const attempts = claimed.claim;
    const last = attempt.permanent || attempts >= options.maxAttempts;
    const delayMs = Math.max(attempt.retryAfterMs ?? 0, backoffDelay({ maxRetries: options.maxAttempts, ...options.retry }, attempts));
    await inTransaction(options.pool, async (sql) => {
      if (!(await markNotificationFailed(sql, claimed, attempt.error, last ? undefined : new Date(now().getTime() + delayMs)))) return lostLease(claimed);
      if (claimed.execution_id !== null) await insertAudit(sql, { type: 'NOTIFICATION_FAILED', executionId: claimed.execution_id, ...(claimed.stage_id === null ? {} : { stageId: claimed.stage_id }), data: failureData(claimed, attempts, attempt.error, last) });
    });
    options.log.warn({ notification: claimed.key, attempts, error: attempt.error, final: last }, 'notification not delivered');
    return true;
  };
  // Cannot happen while sends stay within the lease; said loudly if a stalled process proves otherwise.
  const lostLease = (claimed: DueNotification) => options.log.warn({ notification: claimed.key }, 'notification claim expired before its send was marked; another sender took it');

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
