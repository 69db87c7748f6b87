/**
 * Microsoft Teams' incoming webhook (an Office 365 connector URL, `/webhookb2/…`): a MessageCard
 * is accepted with HTTP 200 and the body `1`; a card with neither `text` nor `summary` gets 400
 * "Summary or Text is required." as Teams answers it. Google Chat's space webhook
 * (`/v1/spaces/<space>/messages?key=…&token=…`) answers the created message; a repeated
 * `requestId` answers the message that request created and creates none.
 */
import { createServer, type Server } from 'node:http';
import { closeServer, listenLocal, readBody } from '../httpServer';

export interface ChatCard {
  path: string;
  body: Record<string, unknown>;
}

export interface FakeChatWebhooks {
  teamsUrl(name: string): string;
  googleChatUrl(space: string): string;
  teams: ChatCard[];
  googleChat: ChatCard[];
  close(): Promise<void>;
}

export async function startFakeChatWebhooks(): Promise<FakeChatWebhooks> {
  const teams: ChatCard[] = [];
  const googleChat: ChatCard[] = [];
  const byRequest = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end('Invalid webhook request - Empty Payload');
      }
      const path = req.url ?? '';
      if (req.method === 'POST' && path.startsWith('/webhookb2/')) {
        if (typeof body.text !== 'string' && typeof body.summary !== 'string') {
          res.writeHead(400, { 'content-type': 'text/plain' });
          return res.end('Summary or Text is required.');
        }
        teams.push({ path, body });
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('1');
      }
      const space = /^\/v1\/spaces\/([^/]+)\/messages\?/.exec(path)?.[1];
      if (req.method === 'POST' && space !== undefined) {
        if (typeof body.text !== 'string' && body.cardsV2 === undefined) {
          res.writeHead(400, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { code: 400, message: 'Message cannot be empty.', status: 'INVALID_ARGUMENT' } }));
        }
        const requestId = new URL(path, 'http://fake').searchParams.get('requestId');
        const key = requestId === null ? undefined : `${space}/${requestId}`;
        let created = key === undefined ? undefined : byRequest.get(key);
        if (created === undefined) {
          googleChat.push({ path, body });
          created = { name: `spaces/${space}/messages/${googleChat.length}`, text: body.text, createTime: new Date().toISOString() };
          if (key !== undefined) byRequest.set(key, created);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(created));
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
  });
  const port = await listenLocal(server, 0);
  const url = `http://127.0.0.1:${port}`;
  return {
    teamsUrl: (name) => `${url}/webhookb2/${name}@tenant/IncomingWebhook/${name}/owner`,
    googleChatUrl: (space) => `${url}/v1/spaces/${space}/messages?key=k&token=t`,
    teams,
    googleChat,
    close: () => closeServer(server),
  };
}
