import { createHash, createHmac } from 'node:crypto';
import { emailText, googleChatBody, slackBody, slackReplacementBody, teamsBody, type NotificationMessage } from '@gantry/core';
import type { ClaimedNotification } from '@gantry/store';
import { createTransport, type Transporter } from 'nodemailer';
import { MAX_BODY_BYTES, sendRequest, type SendOutcome } from '../tasks/http/sendRequest';

/**
 * One attempt to deliver one notification over its channel. Every HTTP request (Slack, Teams,
 * Google Chat, webhooks, Slack's response URLs) goes through the webhook SSRF guard: addresses
 * are written by pipeline authors. SMTP goes to the one configured server.
 */

export type Attempt =
  /** `remoteRef`: what the receiver named the message, where it says (Slack: `<channel id>:<ts>`). */
  | { ok: true; remoteRef?: string }
  /** `permanent`: retrying cannot help (refused by the guard, a 404, Slack's channel_not_found). */
  | { ok: false; error: string; permanent: boolean; retryAfterMs?: number };

export interface ChannelSettings {
  /** Turns each message's execution path into a link (GANTRY_PUBLIC_URL). */
  publicUrl?: string;
  slack?: { apiUrl: string; botToken?: string };
  smtp?: { url: string; from: string };
  webhookSigningSecret?: string;
  http: { allowedHosts: readonly string[]; timeoutMs: number; fetch: typeof fetch };
}

export interface Channels {
  deliver(notification: ClaimedNotification): Promise<Attempt>;
  close(): void;
}

/** The metadata event type Gantry's Slack messages carry, with the notification's key as payload. */
const SLACK_METADATA_EVENT = 'gantry_notification';
/** Pages of conversations.list / conversations.history read when looking for a message: bounded, as the send is by its lease. */
const SLACK_PAGES = 2;

/** Slack Web API errors worth another try; any other `ok: false` is a configuration problem. */
const SLACK_TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function createChannels(settings: ChannelSettings): Channels {
  let mailer: Transporter | undefined;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<SendOutcome> =>
    sendRequest(
      { url, method: 'POST', headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...headers }), body: typeof body === 'string' ? body : JSON.stringify(body) },
      { fetch: settings.http.fetch, timeoutMs: settings.http.timeoutMs, allowedHosts: settings.http.allowedHosts, maxBodyBytes: MAX_BODY_BYTES },
    );

  const messageOf = (notification: ClaimedNotification): NotificationMessage => {
    const { linkPath, replacesOriginal: _, ...message } = notification.message;
    const base = settings.publicUrl?.replace(/\/+$/, '');
    return { ...message, ...(base === undefined || linkPath === undefined ? {} : { link: `${base}${linkPath}` }) };
  };

  const slack = async (notification: ClaimedNotification): Promise<Attempt> => {
    const message = messageOf(notification);
    if (notification.message.replacesOriginal === true) return httpAttempt(await post(notification.address, slackReplacementBody(message.text)));
    // An incoming webhook's URL as the address (echo does the same); otherwise a channel for chat.postMessage.
    if (/^https?:\/\//i.test(notification.address)) return httpAttempt(await post(notification.address, slackBody(message)));
    const token = settings.slack?.botToken;
    if (token === undefined) return { ok: false, permanent: true, error: `slack channel ${notification.address} needs a bot token (notifications.slack.botTokenSecret)` };
    const channel = notification.address.replace(/^#/, '');
    const api = slackApi(settings.slack?.apiUrl ?? 'https://slack.com/api', token);
    // A sender died mid-send: the message may be in the channel already, found by the key it carries.
    if (notification.uncertain) {
      const found = await api.findPosted(channel, notification.key, notification.first_claimed_at);
      if (!found.ok || found.remoteRef !== undefined) return found;
    }
    const answer = await api.call('chat.postMessage', { channel, ...slackBody(message), metadata: { event_type: SLACK_METADATA_EVENT, event_payload: { key: notification.key } } });
    if (!answer.ok) return answer;
    return { ok: true, ...(typeof answer.body.channel === 'string' && typeof answer.body.ts === 'string' ? { remoteRef: `${answer.body.channel}:${answer.body.ts}` } : {}) };
  };

  /** Slack's Web API with the bot token: a method's answer, `ok: false` (transient or not) as an Attempt. */
  const slackApi = (apiUrl: string, token: string) => {
    // JSON for chat.postMessage (its blocks and metadata); form fields for the read methods, which every Web API method takes.
    const call = async (method: string, body: Record<string, unknown>, form = false): Promise<Extract<Attempt, { ok: false }> | { ok: true; body: Record<string, unknown> }> => {
      const outcome = form
        ? await post(`${apiUrl}/${method}`, new URLSearchParams(Object.entries(body).map(([name, value]): [string, string] => [name, String(value)])).toString(), {
            authorization: `Bearer ${token}`,
            'content-type': 'application/x-www-form-urlencoded',
          })
        : await post(`${apiUrl}/${method}`, body, { authorization: `Bearer ${token}` });
      const attempt = httpAttempt(outcome);
      if (!attempt.ok || outcome.kind !== 'response') return attempt.ok ? { ok: false, permanent: false, error: `${method}: no answer` } : attempt;
      const answer = outcome.response.body as Record<string, unknown> | null;
      if (answer?.ok === true) return { ok: true, body: answer };
      const error = typeof answer?.error === 'string' ? answer.error : 'no "ok" in the answer';
      return { ok: false, permanent: !SLACK_TRANSIENT.has(error), error: `${method}: ${error}` };
    };
    const nextCursor = (body: Record<string, unknown>) => {
      const cursor = (body.response_metadata as { next_cursor?: unknown } | undefined)?.next_cursor;
      return typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
    };
    /** The channel's id: conversations.history takes ids only, chat.postMessage also names. */
    const channelId = async (channel: string): Promise<Extract<Attempt, { ok: false }> | { ok: true; id: string | undefined }> => {
      if (/^[CGD][A-Z0-9]{6,}$/.test(channel)) return { ok: true, id: channel };
      let cursor: string | undefined;
      for (let page = 0; page < SLACK_PAGES; page++) {
        const answer = await call('conversations.list', { types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, ...(cursor === undefined ? {} : { cursor }) }, true);
        if (!answer.ok) return answer;
        const found = (answer.body.channels as { id?: unknown; name?: unknown }[] | undefined)?.find((candidate) => candidate.name === channel);
        if (typeof found?.id === 'string') return { ok: true, id: found.id };
        cursor = nextCursor(answer.body);
        if (cursor === undefined) break;
      }
      return { ok: true, id: undefined };
    };
    /** Whether a message carrying `key` was posted since `since` (a minute earlier, for clock skew): its ref, or none. */
    const findPosted = async (channel: string, key: string, since: Date): Promise<Attempt> => {
      const id = await channelId(channel);
      if (!id.ok || id.id === undefined) return id.ok ? { ok: true } : id;
      let cursor: string | undefined;
      for (let page = 0; page < SLACK_PAGES; page++) {
        const answer = await call('conversations.history', { channel: id.id, oldest: String(Math.floor(since.getTime() / 1000) - 60), include_all_metadata: true, limit: 200, ...(cursor === undefined ? {} : { cursor }) }, true);
        if (!answer.ok) return answer;
        const posted = (answer.body.messages as { ts?: unknown; metadata?: { event_type?: unknown; event_payload?: { key?: unknown } } }[] | undefined)?.find(
          (candidate) => candidate.metadata?.event_type === SLACK_METADATA_EVENT && candidate.metadata.event_payload?.key === key,
        );
        if (typeof posted?.ts === 'string') return { ok: true, remoteRef: `${id.id}:${posted.ts}` };
        cursor = nextCursor(answer.body);
        if (cursor === undefined) break;
      }
      return { ok: true };
    };
    return { call, findPosted };
  };

  const email = async (notification: ClaimedNotification): Promise<Attempt> => {
    if (settings.smtp === undefined) return { ok: false, permanent: true, error: 'email needs an SMTP server (notifications.smtp)' };
    // Bounded like the HTTP requests, so a send ends within its claim's lease.
    mailer ??= createTransport({ url: settings.smtp.url, connectionTimeout: settings.http.timeoutMs, greetingTimeout: settings.http.timeoutMs, socketTimeout: settings.http.timeoutMs });
    const message = messageOf(notification);
    try {
      await mailer.sendMail({
        from: settings.smtp.from,
        to: notification.address,
        subject: message.subject,
        text: emailText(message),
        // The same Message-ID on every attempt, so a mail system (or reader) can drop a repeat.
        messageId: `<${createHash('sha256').update(notification.key).digest('hex').slice(0, 32)}@gantry>`,
      });
      return { ok: true };
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      // 5xx SMTP replies are permanent (no such mailbox); 4xx and connection failures are not.
      return { ok: false, permanent: typeof code === 'number' && code >= 500, error: `smtp: ${(error as Error).message}` };
    }
  };

  const webhook = async (notification: ClaimedNotification): Promise<Attempt> => {
    const message = messageOf(notification);
    const body = JSON.stringify({
      event: notification.event,
      executionId: notification.execution_id,
      stageId: notification.stage_id,
      subject: message.subject,
      text: message.text,
      ...(message.link === undefined ? {} : { link: message.link }),
    });
    const headers: Record<string, string> = { 'idempotency-key': notification.key, 'x-gantry-event': notification.event };
    if (settings.webhookSigningSecret !== undefined) headers['x-gantry-signature'] = `sha256=${createHmac('sha256', settings.webhookSigningSecret).update(body).digest('hex')}`;
    return httpAttempt(await post(notification.address, body, headers));
  };

  const senders: Record<string, (notification: ClaimedNotification) => Promise<Attempt>> = {
    slack,
    email,
    webhook,
    microsoftteams: async (notification) => httpAttempt(await post(notification.address, teamsBody(messageOf(notification)))),
    // Google answers a repeated requestId with the message it created the first time.
    googlechat: async (notification) => httpAttempt(await post(withQuery(notification.address, 'requestId', stableUuid(notification.key)), googleChatBody(messageOf(notification)))),
  };

  return {
    async deliver(notification) {
      const sender = senders[notification.type];
      if (sender === undefined) return { ok: false, permanent: true, error: `notifications of type ${notification.type} are not sent` };
      return sender(notification);
    },
    close() {
      mailer?.close();
    },
  };
}

function withQuery(address: string, name: string, value: string): string {
  const url = new URL(address);
  url.searchParams.set(name, value);
  return url.toString();
}

/** A UUID-shaped id derived from the notification's key: the same on every attempt. */
function stableUuid(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function httpAttempt(outcome: SendOutcome): Attempt {
  switch (outcome.kind) {
    case 'refused':
      return { ok: false, permanent: true, error: outcome.reason };
    case 'networkError':
      return { ok: false, permanent: false, error: outcome.message };
    case 'tooManyRedirects':
      return { ok: false, permanent: true, error: `too many redirects from ${outcome.url}` };
    case 'response': {
      const { statusCode, headers } = outcome.response;
      if (statusCode >= 200 && statusCode < 300) return { ok: true };
      const retryAfter = Number(headers.get('retry-after'));
      const transient = statusCode === 408 || statusCode === 429 || statusCode >= 500;
      return {
        ok: false,
        permanent: !transient,
        error: `HTTP ${statusCode} from ${new URL(outcome.response.url).host}: ${outcome.response.bodyText.slice(0, 200)}`,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    }
  }
}
