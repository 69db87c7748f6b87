import { randomUUID } from 'node:crypto';
import {
  applicationNotificationList,
  applicationNotificationsSchema,
  judgmentRequestOf,
  plannedNotifications,
  renderNotification,
  shownAddress,
  type ApplicationNotifications,
  type NotificationEvent,
  type NotificationFacts,
  type NotificationMessage,
  type NotificationTarget,
} from '@gantry/core';
import type { SqlClient } from './database';
import type { ExecutionRow, ExecutionNotificationSources, StageRow } from './executionRows';

/**
 * The notification outbox (docs/architecture.md "Notifications"): rows written in the transaction
 * of the change they announce, unique by key, sent by the workers' notification sender.
 */

/** A message as stored: the rendered text plus the execution page's path, which the sender makes a link. */
export type StoredNotificationMessage = Omit<NotificationMessage, 'link'> & {
  linkPath?: string;
  /** Slack only: the address is a message's response URL, and this text replaces that message. */
  replacesOriginal?: boolean;
};

export interface NotificationToSend {
  /**
   * What makes this one message: a second call with the same key adds nothing (a redelivered
   * message, a repeated check). Name the source and the event, e.g. `drift:<resource>:<since>`.
   */
  key: string;
  target: NotificationTarget;
  event: string;
  message: StoredNotificationMessage;
  executionId?: string;
  stageId?: string;
}

/**
 * The entry point for anything that wants a notification sent (the engine's events, drift): call it
 * inside the transaction that makes the change it announces. The workers send it effectively
 * once (claimed, sent, marked; see claimDueNotification) and retry with backoff; its key makes
 * repeated calls one message.
 */
export async function enqueueNotifications(sql: SqlClient, notifications: readonly NotificationToSend[]): Promise<void> {
  for (const n of notifications) {
    await sql.query(
      `INSERT INTO notification_deliveries (id, key, execution_id, stage_id, event, type, address, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
      [randomUUID(), n.key, n.executionId ?? null, n.stageId ?? null, n.event, n.target.type, n.target.address, JSON.stringify(n.message)],
    );
  }
}

export interface ExecutionEvent {
  event: NotificationEvent;
  /** With `notificationSources` (the engine's lockExecutionForStep), no query is needed to know what is configured. */
  execution: ExecutionRow & { notificationSources?: ExecutionNotificationSources };
  stage?: StageRow;
  /** The final status, for pipeline.complete/failed and stage.complete/failed. */
  status?: string;
  /** For manualJudgmentContinue/Stop. */
  judgedBy?: string;
  judgmentInput?: string | null;
}

/**
 * Records the notifications an execution's event calls for (the pipeline's, the application's, the
 * stage's), in the caller's transaction. Keyed by execution, stage attempt, event and target.
 */
export async function recordExecutionEvent(sql: SqlClient, input: ExecutionEvent): Promise<void> {
  const { execution, stage, event } = input;
  const sources = execution.notificationSources ?? (await selectNotificationSources(sql, execution));
  const pipelineList = asArray(sources.pipeline);
  const stageList = asArray(stage?.definition.notifications);
  // Nothing configured anywhere (the common case, known from rows already read): no rule to run.
  if (pipelineList.length === 0 && stageList.length === 0 && (sources.application ?? null) === null) return;
  const defaults = applicationNotificationsSchema.safeParse(sources.application ?? {});
  const planned = plannedNotifications(event, {
    pipeline: pipelineList,
    application: defaults.success ? applicationNotificationList(defaults.data) : [],
    ...(stage === undefined
      ? {}
      : { stage: { type: stage.type, notifications: stageList, sendNotifications: stage.definition.sendNotifications === true } }),
  });
  if (planned.length === 0) return;
  const facts: NotificationFacts = {
    event,
    application: execution.application,
    pipelineName: execution.pipeline_name,
    executionId: execution.id,
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(stage === undefined
      ? {}
      : {
          stage: { id: stage.id, refId: stage.ref_id, name: stage.name, type: stage.type, ...(input.status === undefined ? {} : { status: input.status }) },
          judgment: {
            ...judgmentDetails(stage),
            ...(input.judgedBy === undefined ? {} : { judgedBy: input.judgedBy }),
            ...(input.judgmentInput === undefined ? {} : { judgmentInput: input.judgmentInput }),
          },
        }),
  };
  const scope = stage === undefined ? `${execution.id}:-` : `${execution.id}:${stage.id}:${stage.attempt}`;
  await enqueueNotifications(
    sql,
    planned.map(({ target, customText }) => {
      const { link: _, ...message } = renderNotification(facts, customText);
      return {
        key: `${scope}:${event}:${target.type}:${target.address}`,
        target,
        event,
        message: { ...message, linkPath: `/applications/${encodeURIComponent(execution.application)}/executions/${execution.id}` },
        executionId: execution.id,
        ...(stage === undefined ? {} : { stageId: stage.id }),
      };
    }),
  );
}

async function selectNotificationSources(sql: SqlClient, execution: ExecutionRow): Promise<ExecutionNotificationSources> {
  const { rows } = await sql.query<ExecutionNotificationSources>(
    `SELECT (SELECT definition->'notifications' FROM pipeline_versions WHERE pipeline_id = $1 AND version = $2) AS pipeline,
            (SELECT notifications FROM application_notifications WHERE application = $3) AS application`,
    [execution.pipeline_id, execution.pipeline_version, execution.application],
  );
  return rows[0] ?? { pipeline: null, application: null };
}

function judgmentDetails(stage: StageRow): { instructions?: string; inputs: string[] } {
  const request = judgmentRequestOf(stage.type, stage.context, stage.outputs);
  const instructions = typeof stage.context.instructions === 'string' ? stage.context.instructions : undefined;
  return { ...(instructions === undefined ? {} : { instructions }), inputs: request?.options ?? [] };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export interface DueNotification {
  id: string;
  key: string;
  execution_id: string | null;
  stage_id: string | null;
  event: string;
  type: string;
  address: string;
  message: StoredNotificationMessage;
  attempts: number;
}

/**
 * A row claimed for one send: `claim` identifies the claim; `uncertain`, some earlier claim ended
 * unmarked (its sender died mid-send, maybe after the receiver took the message), so the channel
 * checks before sending where it can. Marks count `attempts`, so `claims - attempts` of a sent row
 * is how many claims vanished.
 */
export interface ClaimedNotification extends DueNotification {
  claim: number;
  uncertain: boolean;
  first_claimed_at: Date;
}

/**
 * Claims the oldest due PENDING row whose lease is not running, for `leaseMs`, in one statement that
 * commits on its own (SKIP LOCKED: a row another sender is claiming is left alone). Nothing else
 * takes the row until the lease runs out, so a sender killed mid-send does not make the next one
 * send it again at once; after the lease, the next claim is `uncertain` and checks the receiver
 * where it can. The lease must outlast a send (NotificationSender bounds the send by it).
 */
export async function claimDueNotification(sql: SqlClient, now: Date, leaseMs: number): Promise<ClaimedNotification | undefined> {
  const { rows } = await sql.query<ClaimedNotification>(
    `UPDATE notification_deliveries SET claims = claims + 1, claimed_until = $2, first_claimed_at = COALESCE(first_claimed_at, $1)
     WHERE id = (SELECT id FROM notification_deliveries
                 WHERE status = 'PENDING' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
                 ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING id, key, execution_id, stage_id, event, type, address, message, attempts, claims AS claim, claims - 1 > attempts AS uncertain, first_claimed_at`,
    [now, new Date(now.getTime() + leaseMs)],
  );
  return rows[0];
}

/** Marks the claimed row SENT; false when the claim is no longer this one (its lease ran out and another sender took it). */
export async function markNotificationSent(sql: SqlClient, claimed: Pick<ClaimedNotification, 'id' | 'claim'>, now: Date, remoteRef?: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE notification_deliveries SET status = 'SENT', attempts = attempts + 1, sent_at = $3, last_error = NULL, claimed_until = NULL, remote_ref = COALESCE($4, remote_ref)
     WHERE id = $1 AND claims = $2 AND status = 'PENDING'`,
    [claimed.id, claimed.claim, now, remoteRef ?? null],
  );
  return rowCount === 1;
}

/** A failed attempt of this claim: tried again at `retryAt`, or FAILED for good when there is none; false when the claim is no longer this one. */
export async function markNotificationFailed(sql: SqlClient, claimed: Pick<ClaimedNotification, 'id' | 'claim'>, error: string, retryAt: Date | undefined): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE notification_deliveries SET attempts = attempts + 1, last_error = $3, status = $4, next_attempt_at = COALESCE($5, next_attempt_at), claimed_until = NULL
     WHERE id = $1 AND claims = $2 AND status = 'PENDING'`,
    [claimed.id, claimed.claim, error.slice(0, 2000), retryAt === undefined ? 'FAILED' : 'PENDING', retryAt ?? null],
  );
  return rowCount === 1;
}

export type NotificationStatus = 'PENDING' | 'SENT' | 'FAILED';

export interface NotificationDeliveryView {
  event: string;
  type: string;
  address: string;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  stageId: string | null;
  sentAt: string | null;
}

/** An execution's notifications and how their sending went (URL addresses shown by origin only). */
export async function selectExecutionNotifications(sql: SqlClient, executionId: string): Promise<NotificationDeliveryView[]> {
  const { rows } = await sql.query<{
    event: string;
    type: string;
    address: string;
    status: NotificationStatus;
    attempts: number;
    last_error: string | null;
    stage_id: string | null;
    sent_at: Date | null;
  }>(`SELECT event, type, address, status, attempts, last_error, stage_id, sent_at FROM notification_deliveries WHERE execution_id = $1 ORDER BY created_at, key`, [executionId]);
  return rows.map((row) => ({
    event: row.event,
    type: row.type,
    address: shownAddress(row.address),
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    stageId: row.stage_id,
    sentAt: row.sent_at?.toISOString() ?? null,
  }));
}

/** An application's default notifications (front50's shape); `{}` when it has none. */
export async function selectApplicationNotifications(sql: SqlClient, application: string): Promise<ApplicationNotifications> {
  const { rows } = await sql.query<{ notifications: ApplicationNotifications }>('SELECT notifications FROM application_notifications WHERE application = $1', [application]);
  return rows[0]?.notifications ?? {};
}

export async function saveApplicationNotifications(sql: SqlClient, application: string, notifications: ApplicationNotifications, updatedBy: string | undefined): Promise<void> {
  await sql.query(
    `INSERT INTO application_notifications (application, notifications, updated_by, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (application) DO UPDATE SET notifications = EXCLUDED.notifications, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [application, JSON.stringify(notifications), updatedBy ?? null],
  );
}
