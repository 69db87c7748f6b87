import { z } from 'zod';

/**
 * Spinnaker's notifications (echo's model, as orca and deck write it): a pipeline's, a stage's and
 * an application's `notifications` name a channel (`type`), where to send (`address`), the events
 * they want (`when`) and, per event, an optional custom `message`. What to send for an event is
 * decided here, purely; the worker's senders (apps/worker/src/notifications) speak the channels.
 */

export const NOTIFICATION_TYPES = ['slack', 'email', 'webhook', 'microsoftteams', 'googlechat'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const PIPELINE_EVENTS = ['pipeline.starting', 'pipeline.complete', 'pipeline.failed'] as const;
export const STAGE_EVENTS = ['stage.starting', 'stage.complete', 'stage.failed'] as const;
export const JUDGMENT_EVENTS = ['manualJudgment', 'manualJudgmentContinue', 'manualJudgmentStop'] as const;
export const NOTIFICATION_EVENTS = [...PIPELINE_EVENTS, ...STAGE_EVENTS, ...JUDGMENT_EVENTS] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/**
 * One notification as Spinnaker stores it. Loose: deck adds `level`, echo's other channels add
 * their own keys; a type Gantry does not send (bearychat, pubsub, githubStatus) is kept and skipped.
 */
export const notificationSchema = z.looseObject({
  type: z.string().min(1),
  address: z.string().min(1),
  when: z.array(z.string()).default([]),
  /** Per event: `{text}` added under the standard line, as echo's templates add `customMessage`. */
  message: z.record(z.string(), z.looseObject({ text: z.string().optional() })).optional(),
  level: z.string().optional(),
});
export type Notification = z.output<typeof notificationSchema>;

/**
 * front50's application notifications (`/notifications/application/{app}`): one list per type,
 * `{slack: [{address, when}], email: [...]}`, each applying to every pipeline of the application.
 */
const applicationEntry = z.array(notificationSchema.omit({ type: true })).optional();
export const applicationNotificationsSchema = z.looseObject({
  slack: applicationEntry,
  email: applicationEntry,
  webhook: applicationEntry,
  microsoftteams: applicationEntry,
  googlechat: applicationEntry,
});
export type ApplicationNotifications = z.output<typeof applicationNotificationsSchema>;

/** The application's lists flattened into notifications of the pipeline's shape. */
export function applicationNotificationList(defaults: ApplicationNotifications): Notification[] {
  return NOTIFICATION_TYPES.flatMap((type) => (defaults[type] ?? []).map((entry): Notification => ({ ...entry, type, level: 'application' })));
}

export interface NotificationTarget {
  type: NotificationType;
  address: string;
}

export interface PlannedNotification {
  target: NotificationTarget;
  /** The notification's custom text for this event, if it has one. */
  customText?: string;
}

export interface NotificationSources {
  pipeline: readonly unknown[];
  application: readonly unknown[];
  /** The stage's own (stage and judgment events only). */
  stage?: { type: string; notifications: readonly unknown[]; sendNotifications: boolean };
}

/**
 * Who hears of `event`: every notification (pipeline's, application's, and for stage events the
 * stage's) whose `when` names it, one per target (type + address). As in orca, a stage's
 * notifications speak for stage events only when `sendNotifications` is on, except a manual
 * judgment's, which exist for its judgment events. Entries that are not notifications, or of a
 * type Gantry does not send, are skipped (the save-time report names them).
 */
export function plannedNotifications(event: NotificationEvent, sources: NotificationSources): PlannedNotification[] {
  const isStageEvent = !(PIPELINE_EVENTS as readonly string[]).includes(event);
  const stageOwn = sources.stage === undefined ? [] : stageNotificationsFor(event, sources.stage);
  const candidates = [...(isStageEvent ? stageOwn : []), ...sources.pipeline, ...sources.application];
  const planned = new Map<string, PlannedNotification>();
  for (const raw of candidates) {
    const parsed = notificationSchema.safeParse(raw);
    if (!parsed.success || !isSendable(parsed.data.type) || !parsed.data.when.includes(event)) continue;
    const target = { type: parsed.data.type, address: parsed.data.address.trim() };
    const key = `${target.type} ${target.address}`;
    if (planned.has(key)) continue;
    const customText = parsed.data.message?.[event]?.text;
    planned.set(key, { target, ...(customText === undefined || customText.trim() === '' ? {} : { customText }) });
  }
  return [...planned.values()];
}

function stageNotificationsFor(event: NotificationEvent, stage: NonNullable<NotificationSources['stage']>): readonly unknown[] {
  if ((JUDGMENT_EVENTS as readonly string[]).includes(event)) return stage.type === 'manualJudgment' ? stage.notifications : [];
  return stage.sendNotifications ? stage.notifications : [];
}

function isSendable(type: string): type is NotificationType {
  return (NOTIFICATION_TYPES as readonly string[]).includes(type);
}

/** Problems with a document's notifications, by path, for the save-time report (unsent types, unknown events). */
export function notificationProblems(notifications: unknown, path: (string | number)[]): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(notifications)) return [];
  return notifications.flatMap((raw, i) => {
    const parsed = notificationSchema.safeParse(raw);
    if (!parsed.success) return [{ path: [...path, i], message: 'a notification needs a type and an address; this one is never sent' }];
    const problems: { path: (string | number)[]; message: string }[] = [];
    if (!isSendable(parsed.data.type)) problems.push({ path: [...path, i, 'type'], message: `notifications of type ${parsed.data.type} are not sent (Gantry sends ${NOTIFICATION_TYPES.join(', ')})` });
    for (const when of parsed.data.when) {
      if (!(NOTIFICATION_EVENTS as readonly string[]).includes(when)) problems.push({ path: [...path, i, 'when'], message: `unknown event ${when}: never sent` });
    }
    return problems;
  });
}

/** What a notification is about, as the engine knows it when the event happens. */
export interface NotificationFacts {
  event: NotificationEvent;
  application: string;
  pipelineName: string;
  executionId: string;
  /** The execution's final status (pipeline.complete / pipeline.failed). */
  status?: string;
  stage?: { id: string; refId: string; name: string; type: string; status?: string };
  /** A manual judgment's instructions and the inputs one may choose. */
  judgment?: { instructions?: string; inputs: string[]; judgedBy?: string; judgmentInput?: string | null };
  /** The execution's page in the web UI, when Gantry knows its public URL. */
  link?: string;
}

/** A channel-neutral message: every sender renders it in its own format. */
export interface NotificationMessage {
  subject: string;
  text: string;
  link?: string;
  /** Set on the manual-judgment message: Slack renders Continue/Stop buttons from it. */
  judgment?: { executionId: string; stageId: string; inputs: string[] };
}

/** The standard line for an event (echo's templates say the same things), the custom text under it. */
export function renderNotification(facts: NotificationFacts, customText?: string): NotificationMessage {
  const pipeline = `${facts.application}'s pipeline ${facts.pipelineName}`;
  const stage = facts.stage === undefined ? '' : `stage ${facts.stage.name} of ${pipeline}`;
  const headline: Record<NotificationEvent, string> = {
    'pipeline.starting': `${pipeline} is starting`,
    'pipeline.complete': `${pipeline} has completed`,
    'pipeline.failed': `${pipeline} has failed${facts.status === undefined ? '' : ` (${facts.status})`}`,
    'stage.starting': `${capitalise(stage)} is starting`,
    'stage.complete': `${capitalise(stage)} has completed`,
    'stage.failed': `${capitalise(stage)} has failed${facts.stage?.status === undefined ? '' : ` (${facts.stage.status})`}`,
    manualJudgment: `${capitalise(stage)} is awaiting a manual judgment`,
    manualJudgmentContinue: `${capitalise(stage)} was judged: continue${judgedBy(facts)}`,
    manualJudgmentStop: `${capitalise(stage)} was judged: stop${judgedBy(facts)}`,
  };
  const lines = [headline[facts.event]];
  if (facts.event === 'manualJudgment' && facts.judgment?.instructions) lines.push(facts.judgment.instructions);
  if (customText !== undefined) lines.push(customText);
  return {
    subject: `[Gantry] ${headline[facts.event]}`,
    text: lines.join('\n'),
    ...(facts.link === undefined ? {} : { link: facts.link }),
    ...(facts.event === 'manualJudgment' && facts.stage !== undefined
      ? { judgment: { executionId: facts.executionId, stageId: facts.stage.id, inputs: facts.judgment?.inputs ?? [] } }
      : {}),
  };
}

function judgedBy(facts: NotificationFacts): string {
  const input = facts.judgment?.judgmentInput ? ` (${facts.judgment.judgmentInput})` : '';
  return `${input}${facts.judgment?.judgedBy === undefined ? '' : ` by ${facts.judgment.judgedBy}`}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The event a finished execution or stage announces; none for one that was skipped or canceled. */
export function completionEvent(level: 'pipeline' | 'stage', status: string): NotificationEvent | undefined {
  if (status === 'SUCCEEDED') return `${level}.complete`;
  if (status === 'TERMINAL' || status === 'STOPPED' || status === 'FAILED_CONTINUE') return `${level}.failed`;
  // orca reports a canceled pipeline as failed; a canceled or skipped stage says nothing.
  if (level === 'pipeline' && status === 'CANCELED') return 'pipeline.failed';
  return undefined;
}

/** A URL address (a Slack, Teams or Google Chat webhook) holds its credential in its path and query: only its origin is shown. */
export function shownAddress(address: string): string {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.origin}/…` : address;
  } catch {
    return address;
  }
}
