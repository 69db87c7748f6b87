/**
 * Slack's wire format, as Gantry's notification sender meets it: the Web API's chat.postMessage
 * (bearer bot token, JSON body, HTTP 200 with `{ok: false, error}` for refusals, HTTP 429 with
 * Retry-After when rate limited), incoming webhooks (`/services/T…/B…/…`, answered `ok` as text,
 * `invalid_payload`/`no_text` with 400) and the response URLs of interactive messages
 * (`/actions/…`, where a `replace_original` body replaces the message). The read methods a sender
 * uses to find a message it may have posted: conversations.list (channels by id `C<NAME>`) and
 * conversations.history (form-encoded, ids only, newest first, `metadata` only with
 * `include_all_metadata`, `oldest` exclusive, cursor pages).
 */
import { createServer, type Server } from 'node:http';
import { closeServer, listenLocal, readBody } from '../httpServer';

export interface SlackMessage {
  /** The channel (chat.postMessage) or the webhook's path (incoming webhook). */
  to: string;
  via: 'chat.postMessage' | 'incomingWebhook';
  ts: string;
  text: string;
  blocks: unknown[];
  /** chat.postMessage's `metadata` ({event_type, event_payload}), when given. */
  metadata?: unknown;
}

export interface SlackReplacement {
  responsePath: string;
  text: string;
  blocks: unknown[];
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  /** An incoming webhook URL this fake accepts. */
  webhookUrl(name: string): string;
  /** A response URL this fake accepts (what Slack puts in an interaction's payload). */
  responseUrl(name: string): string;
  messages: SlackMessage[];
  replacements: SlackReplacement[];
  /** The next `count` chat.postMessage calls answer 429 (Retry-After: 1). */
  rateLimitNext(count: number): void;
  /** How many 429s were answered so far. */
  readonly rateLimitedAnswers: number;
  close(): Promise<void>;
}

export async function startFakeSlack(options: { botToken: string; channels: string[] }): Promise<FakeSlack> {
  const messages: SlackMessage[] = [];
  const replacements: SlackReplacement[] = [];
  let rateLimited = 0;
  let rateLimitedAnswers = 0;
  let sequence = 0;
  const ts = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, '0')}`;

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      const text = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(body);
      };
      const channelId = (name: string) => `C${name.toUpperCase()}`;
      if (req.method === 'POST' && (req.url === '/api/conversations.list' || req.url === '/api/conversations.history')) {
        if (req.headers.authorization !== `Bearer ${options.botToken}`) return json(200, { ok: false, error: 'invalid_auth' });
        const form = new URLSearchParams(raw.toString('utf8'));
        const limit = Number(form.get('limit') ?? 100);
        const offset = Number(form.get('cursor') ?? 0);
        const page = <T>(items: T[]) => ({ items: items.slice(offset, offset + limit), next: offset + limit < items.length ? String(offset + limit) : '' });
        if (req.url === '/api/conversations.list') {
          const { items, next } = page(options.channels.map((name) => ({ id: channelId(name), name, is_channel: true })));
          return json(200, { ok: true, channels: items, response_metadata: { next_cursor: next } });
        }
        const name = options.channels.find((candidate) => channelId(candidate) === form.get('channel'));
        if (name === undefined) return json(200, { ok: false, error: 'channel_not_found' });
        const oldest = Number(form.get('oldest') ?? 0);
        const withMetadata = form.get('include_all_metadata') === 'true';
        const history = messages
          .filter((m) => m.via === 'chat.postMessage' && m.to === name && Number(m.ts) > oldest)
          .reverse()
          .map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}) }));
        const { items, next } = page(history);
        return json(200, { ok: true, messages: items, has_more: next !== '', response_metadata: { next_cursor: next } });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return req.url?.startsWith('/api/') ? json(200, { ok: false, error: 'invalid_json' }) : text(400, 'invalid_payload');
      }
      const blocks = Array.isArray(body.blocks) ? body.blocks : [];
      const messageText = typeof body.text === 'string' ? body.text : '';
      if (req.method === 'POST' && req.url === '/api/chat.postMessage') {
        if (rateLimited > 0) {
          rateLimited--;
          rateLimitedAnswers++;
          return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        }
        const auth = req.headers.authorization;
        if (auth === undefined) return json(200, { ok: false, error: 'not_authed' });
        if (auth !== `Bearer ${options.botToken}`) return json(200, { ok: false, error: 'invalid_auth' });
        const channel = typeof body.channel === 'string' ? body.channel : '';
        if (!options.channels.includes(channel)) return json(200, { ok: false, error: 'channel_not_found' });
        if (messageText === '' && blocks.length === 0) return json(200, { ok: false, error: 'no_text' });
        const message: SlackMessage = { to: channel, via: 'chat.postMessage', ts: ts(), text: messageText, blocks, ...(body.metadata === undefined ? {} : { metadata: body.metadata }) };
        messages.push(message);
        return json(200, { ok: true, channel: channelId(channel), ts: message.ts, message: { type: 'message', text: messageText, blocks } });
      }
      if (req.method === 'POST' && req.url?.startsWith('/services/')) {
        if (messageText === '' && blocks.length === 0) return text(400, 'no_text');
        messages.push({ to: req.url, via: 'incomingWebhook', ts: ts(), text: messageText, blocks });
        return text(200, 'ok');
      }
      if (req.method === 'POST' && req.url?.startsWith('/actions/')) {
        if (body.replace_original !== true && body.delete_original !== true && messageText === '') return json(400, { ok: false, error: 'no_text' });
        replacements.push({ responsePath: req.url, text: messageText, blocks });
        return json(200, { ok: true });
      }
      return json(404, { ok: false, error: 'unknown_method' });
    });
  });
  const port = await listenLocal(server, 0);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api`,
    webhookUrl: (name) => `${url}/services/T0001/B0001/${name}`,
    responseUrl: (name) => `${url}/actions/T0001/${name}`,
    messages,
    replacements,
    rateLimitNext(count) {
      rateLimited = count;
    },
    get rateLimitedAnswers() {
      return rateLimitedAnswers;
    },
    close: () => closeServer(server),
  };
}
