import { createHash, createHmac } from 'node:crypto';
import { emailText, googleChatBody, slackBody, slackReplacementBody, teamsBody, type NotificationMessage } from '@gantry/core';
import type { DueNotification } from '@gantry/store';
import { createTransport, type Transporter } from 'nodemailer';
import { sendRequest, type SendOutcome } from '../tasks/http/sendRequest';

/**
 * One attempt to deliver one notification over its channel. Every HTTP request (Slack, Teams,
 * Google Chat, webhooks, Slack's response URLs) goes through the webhook SSRF guard: addresses
 * are written by pipeline authors. SMTP goes to the one configured server.
 */

export type Attempt =
  | { ok: true }
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
  deliver(notification: DueNotification): Promise<Attempt>;
  close(): void;
}

/** Slack Web API errors worth another try; any other `ok: false` is a configuration problem. */
const SLACK_TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function createChannels(settings: ChannelSettings): Channels {
  let mailer: Transporter | undefined;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<SendOutcome> =>
    sendRequest(
      { url, method: 'POST', headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...headers }), body: typeof body === 'string' ? body : JSON.stringify(body) },
      { fetch: settings.http.fetch, timeoutMs: settings.http.timeoutMs, allowedHosts: settings.http.allowedHosts, maxBodyBytes: 64 * 1024 },
    );

  const messageOf = (notification: DueNotification): NotificationMessage => {
    const { linkPath, replacesOriginal: _, ...message } = notification.message;
    const base = settings.publicUrl?.replace(/\/+$/, '');
    return { ...message, ...(base === undefined || linkPath === undefined ? {} : { link: `${base}${linkPath}` }) };
  };

  const slack = async (notification: DueNotification): Promise<Attempt> => {
    const message = messageOf(notification);
    if (notification.message.replacesOriginal === true) return httpAttempt(await post(notification.address, slackReplacementBody(message.text)));
    // An incoming webhook's URL as the address (echo does the same); otherwise a channel for chat.postMessage.
    if (/^https?:\/\//i.test(notification.address)) return httpAttempt(await post(notification.address, slackBody(message)));
    const token = settings.slack?.botToken;
    if (token === undefined) return { ok: false, permanent: true, error: `slack channel ${notification.address} needs a bot token (notifications.slack.botTokenSecret)` };
    const channel = notification.address.replace(/^#/, '');
    const outcome = await post(`${settings.slack?.apiUrl ?? 'https://slack.com/api'}/chat.postMessage`, { channel, ...slackBody(message) }, { authorization: `Bearer ${token}` });
    const attempt = httpAttempt(outcome);
    if (!attempt.ok || outcome.kind !== 'response') return attempt;
    const answer = outcome.response.body as { ok?: unknown; error?: unknown } | null;
    if (answer?.ok === true) return { ok: true };
    const error = typeof answer?.error === 'string' ? answer.error : 'no "ok" in the answer';
    return { ok: false, permanent: !SLACK_TRANSIENT.has(error), error: `chat.postMessage: ${error}` };
  };

  const email = async (notification: DueNotification): Promise<Attempt> => {
    if (settings.smtp === undefined) return { ok: false, permanent: true, error: 'email needs an SMTP server (notifications.smtp)' };
    mailer ??= createTransport(settings.smtp.url);
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

  const webhook = async (notification: DueNotification): Promise<Attempt> => {
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

  const senders: Record<string, (notification: DueNotification) => Promise<Attempt>> = {
    slack,
    email,
    webhook,
    microsoftteams: async (notification) => httpAttempt(await post(notification.address, teamsBody(messageOf(notification)))),
    googlechat: async (notification) => httpAttempt(await post(notification.address, googleChatBody(messageOf(notification)))),
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
