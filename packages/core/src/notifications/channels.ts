import { z } from 'zod';
import type { NotificationMessage } from './notifications';

/**
 * Each channel's wire format for a NotificationMessage, pure, so the senders only move bytes:
 * Slack's Block Kit (chat.postMessage and incoming webhooks take the same body), Microsoft Teams'
 * MessageCard (what echo posts to a Teams connector URL), Google Chat's `{text}`, and Gantry's own
 * JSON for generic webhooks.
 */

export const SLACK_JUDGMENT_BLOCK = 'gantry_judgment';

/** What a Continue/Stop button carries back in Slack's interactivity callback. */
const judgmentButtonValue = z.strictObject({
  executionId: z.string().uuid(),
  stageId: z.string().uuid(),
  judgmentStatus: z.enum(['continue', 'stop']),
  judgmentInput: z.string().optional(),
});
export type SlackJudgmentAction = z.output<typeof judgmentButtonValue>;

function linkLine(message: NotificationMessage, format: (url: string) => string): string {
  return message.link === undefined ? '' : `\n${format(message.link)}`;
}

/** Slack's body (without `channel`): text for notifications and old clients, blocks for the rest. */
export function slackBody(message: NotificationMessage): Record<string, unknown> {
  const text = `${message.text}${linkLine(message, (url) => `<${url}|View the execution>`)}`;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  const judgment = message.judgment;
  if (judgment !== undefined) {
    const value = (judgmentStatus: 'continue' | 'stop', judgmentInput?: string) =>
      JSON.stringify({ executionId: judgment.executionId, stageId: judgment.stageId, judgmentStatus, ...(judgmentInput === undefined ? {} : { judgmentInput }) });
    // One Continue button per judgment input (the input is chosen with the continue, as in deck).
    const continues =
      judgment.inputs.length === 0
        ? [{ type: 'button', action_id: 'continue', style: 'primary', text: { type: 'plain_text', text: 'Continue' }, value: value('continue') }]
        : judgment.inputs.map((input, i) => ({ type: 'button', action_id: `continue_${i}`, style: 'primary', text: { type: 'plain_text', text: `Continue: ${input}`.slice(0, 75) }, value: value('continue', input) }));
    blocks.push({
      type: 'actions',
      block_id: SLACK_JUDGMENT_BLOCK,
      elements: [...continues, { type: 'button', action_id: 'stop', style: 'danger', text: { type: 'plain_text', text: 'Stop' }, value: value('stop') }],
    });
  }
  return { text, blocks };
}

/** What replaces a judged message through its response URL: the text with who judged, no buttons any more. */
export function slackReplacementBody(text: string): Record<string, unknown> {
  return { replace_original: true, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function teamsBody(message: NotificationMessage): Record<string, unknown> {
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: message.subject,
    title: message.subject,
    text: message.text.replaceAll('\n', '\n\n'),
    ...(message.link === undefined ? {} : { potentialAction: [{ '@type': 'OpenUri', name: 'View the execution', targets: [{ os: 'default', uri: message.link }] }] }),
  };
}

export function googleChatBody(message: NotificationMessage): Record<string, unknown> {
  return { text: `${message.text}${linkLine(message, (url) => `<${url}|View the execution>`)}` };
}

export function emailText(message: NotificationMessage): string {
  return `${message.text}${linkLine(message, (url) => url)}\n`;
}

/**
 * The Continue/Stop choice of a Slack interactivity callback (a `block_actions` payload from one
 * of our judgment buttons), with who clicked and where to answer; undefined for anything else.
 */
export interface SlackJudgmentCallback extends SlackJudgmentAction {
  slackUserId: string;
  slackUserName?: string;
  responseUrl?: string;
  /** The message's text as sent, to keep it when the message is replaced. */
  messageText?: string;
}

const interactionSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  actions: z.array(z.looseObject({ block_id: z.string().optional(), value: z.string().optional() })).min(1),
  response_url: z.string().optional(),
  message: z.looseObject({ text: z.string().optional() }).optional(),
});

export function readSlackJudgment(payload: unknown): SlackJudgmentCallback | undefined {
  const parsed = interactionSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const action = parsed.data.actions.find((a) => a.block_id === SLACK_JUDGMENT_BLOCK);
  if (action?.value === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(action.value);
  } catch {
    return undefined;
  }
  const judgment = judgmentButtonValue.safeParse(value);
  if (!judgment.success) return undefined;
  const { user } = parsed.data;
  return {
    ...judgment.data,
    slackUserId: user.id,
    ...(user.username ?? user.name ? { slackUserName: user.username ?? user.name } : {}),
    ...(parsed.data.response_url === undefined ? {} : { responseUrl: parsed.data.response_url }),
    ...(parsed.data.message?.text === undefined ? {} : { messageText: parsed.data.message.text }),
  };
}

/** Slack signs `v0:<timestamp>:<body>`; a request older (or newer) than this is refused as a replay. */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Whether Slack's `X-Slack-Request-Timestamp` is inside the window around `nowSeconds`. */
export function slackTimestampFresh(timestamp: string | undefined, nowSeconds: number): boolean {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowSeconds - Number(timestamp)) <= SLACK_SIGNATURE_WINDOW_SECONDS;
}
