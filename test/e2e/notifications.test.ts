import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerNotificationSettings } from '../../apps/worker/src';
import { startFakeSlack, type FakeSlack } from '../fakes/slack';
import { startFakeChatWebhooks, type FakeChatWebhooks } from '../fakes/teams';
import { spawnWorker, type ChildWorker } from '../support/childWorker';
import { startTestGantry, stageOf, type TestGantry } from '../support/gantryHarness';
import { eventually } from '../support/eventually';

/**
 * Issue 20, items 3 and 4: Spinnaker-shaped notifications sent by real worker processes to
 * wire-format fakes (Slack's Web API and incoming webhooks, Teams, Google Chat), a real SMTP server
 * (smtp-server) and a signed webhook receiver, one message per event and target while the workers
 * are SIGKILLed (claimed with a lease, sent idempotently where the receiver allows); and a manual judgment answered by the Slack message's button.
 */
const PUBLIC_URL = 'https://gantry.example.com';
const BOT_TOKEN = 'xoxb-test-bot-token';
const SIGNING_SECRET = 'slack-signing-secret';
const WEBHOOK_SECRET = 'notification-webhook-secret';
const APP = 'notify';
const EXECUTIONS = 4;
const KILL_ROUNDS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Mail {
  to: string[];
  subject: string;
  body: string;
  messageId: string;
}

async function startSmtp(): Promise<{ server: SMTPServer; url: string; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: header('Subject'), body: raw.split(/\r?\n\r?\n/).slice(1).join('\n'), messageId: header('Message-ID') });
        callback();
      });
    },
  });
  // A worker killed mid-session resets its connection: expected here, not a failure of the server.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { server, url: `smtp://127.0.0.1:${port}`, mails };
}

interface Hook {
  event: string;
  key: string;
  signatureValid: boolean;
  body: { executionId: string; link?: string };
}

async function startHookReceiver(): Promise<{ server: Server; url: string; hooks: Hook[] }> {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex')}`;
      hooks.push({
        event: String(req.headers['x-gantry-event']),
        key: String(req.headers['idempotency-key']),
        signatureValid: req.headers['x-gantry-signature'] === expected,
        body: JSON.parse(raw.toString('utf8')) as Hook['body'],
      });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, hooks };
}

const executionIdIn = (text: string) => /executions\/([0-9a-f-]{36})/.exec(text)?.[1];

describe('notifications from real workers, killed meanwhile', () => {
  let gantry: TestGantry;
  let slack: FakeSlack;
  let chat: FakeChatWebhooks;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startHookReceiver>>;
  const workers: ChildWorker[] = [];
  let settings: WorkerNotificationSettings;

  beforeAll(async () => {
    gantry = await startTestGantry({
      worker: false,
      slackJudgment: { signingSecret: SIGNING_SECRET, users: { U0ALICE: { user: 'alice', roles: ['deployers'] }, U0BOB: { user: 'bob', roles: ['viewers'] } } },
    });
    slack = await startFakeSlack({ botToken: BOT_TOKEN, channels: ['deploys'] });
    chat = await startFakeChatWebhooks();
    smtp = await startSmtp();
    receiver = await startHookReceiver();
    settings = {
      publicUrl: PUBLIC_URL,
      slack: { apiUrl: slack.apiUrl, botToken: BOT_TOKEN },
      smtp: { url: smtp.url, from: 'gantry@example.com' },
      webhookSigningSecret: WEBHOOK_SECRET,
      pollIntervalMs: 100,
      maxAttempts: 5,
      // A killed worker's claims keep others off its rows this long, then are resent (checked first).
      // (Each request then gets 2 s, an eighth: enough for the local fakes on a loaded machine.)
      leaseMs: 16_000,
      retry: { baseDelayMs: 100, maxDelayMs: 1000 },
    };
    await gantry.auth.setRoleGrants('deployers', [{ kind: 'application', name: APP, actions: ['READ', 'EXECUTE'] }], 'test');
    await gantry.auth.setRoleGrants('viewers', [{ kind: 'application', name: APP, actions: ['READ'] }], 'test');
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await slack?.close();
    await chat?.close();
    await new Promise((resolve) => smtp?.server.close(() => resolve(undefined)));
    await new Promise((resolve) => receiver?.server.close(resolve));
    await gantry?.stop();
  });

  const startWorkers = async (count: number): Promise<ChildWorker[]> => {
    const started = Array.from({ length: count }, () =>
      spawnWorker(gantry.database.url, gantry.queue, { GANTRY_WORKER_CONCURRENCY: '8', GANTRY_TEST_NOTIFICATIONS: JSON.stringify(settings) }),
    );
    workers.push(...started);
    await Promise.all(started.map((worker) => worker.ready));
    return started;
  };

  it('sends each event once to each target, while both workers are SIGKILLed again and again', async () => {
    const put = await gantry.request('PUT', `/api/v1/applications/${APP}/notifications`, { email: [{ address: 'app-team@example.com', when: ['pipeline.complete'] }] });
    expect(put.status).toBe(200);
    const pipelineId = await gantry.savePipeline({
      application: APP,
      name: 'announced',
      limitConcurrent: false,
      notifications: [
        { type: 'slack', address: 'deploys', level: 'pipeline', when: ['pipeline.starting', 'pipeline.complete', 'pipeline.failed'], message: { 'pipeline.complete': { text: 'Shipped!' } } },
        { type: 'email', address: 'ops@example.com', level: 'pipeline', when: ['pipeline.complete'] },
        { type: 'microsoftteams', address: chat.teamsUrl('ops'), level: 'pipeline', when: ['pipeline.starting', 'pipeline.complete'] },
        { type: 'googlechat', address: chat.googleChatUrl('ops'), level: 'pipeline', when: ['pipeline.complete'] },
        { type: 'webhook', address: receiver.url, level: 'pipeline', when: ['pipeline.starting', 'pipeline.complete'] },
        // A target that can never work: its failure shows on the execution and fails nothing.
        { type: 'microsoftteams', address: chat.teamsUrl('gone').replace('/webhookb2/', '/removed/'), level: 'pipeline', when: ['pipeline.complete'] },
      ],
      stages: [
        { refId: 'one', type: 'wait', waitTime: 1, sendNotifications: true, notifications: [{ type: 'slack', address: slack.webhookUrl('stages'), level: 'stage', when: ['stage.starting', 'stage.complete'] }] },
        // Notifications without sendNotifications say nothing (orca's rule).
        { refId: 'two', type: 'wait', waitTime: 0, requisiteStageRefIds: ['one'], notifications: [{ type: 'slack', address: slack.webhookUrl('muted'), level: 'stage', when: ['stage.starting'] }] },
      ],
    });
    slack.rateLimitNext(2);
    let pair = await startWorkers(2);
    const ids: string[] = [];
    for (let i = 0; i < EXECUTIONS; i++) ids.push(await gantry.trigger(pipelineId));
    for (let round = 0; round < KILL_ROUNDS; round++) {
      await sleep(300 + Math.random() * 700);
      await Promise.all(pair.map((worker) => worker.kill('SIGKILL')));
      pair = await startWorkers(2);
    }
    const finished = await Promise.all(ids.map((id) => gantry.waitFor(id, undefined, 120_000)));
    expect(finished.map((execution) => execution.status)).toEqual(ids.map(() => 'SUCCEEDED'));
    const pool = gantry.database.db.pool;
    await eventually(async () => {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'PENDING'`);
      expect(rows[0]?.n).toBe(0);
      return true;
    }, 120_000);

    // Each target's messages as "<execution> <event>", as its receiver acts on them. Exactly one per
    // event where the receiver can tell a repeat: Slack's chat.postMessage (a sender whose claim
    // vanished finds the message by its metadata key in the channel's history and does not post),
    // Google Chat (requestId), the webhook receiver (it acts once per Idempotency-Key, as the
    // header asks) and the mailbox (one message per Message-ID, as mail stores keep it). Teams' and
    // Slack's incoming webhooks can be neither asked nor told: a kill after such a receiver took a
    // message and before the SENT mark commits (one local round trip and one statement) repeats it
    // after the lease, so there a repeat is bounded by the row's vanished claims, never hidden.
    const eventOf = (text: string) => /is starting|has completed|has failed/.exec(text)?.[0] ?? 'unknown';
    const firstPer = <T>(items: T[], id: (item: T) => string) => items.filter((item, index) => items.findIndex((other) => id(other) === id(item)) === index);
    const received: Record<string, string[]> = {
      slackChannel: slack.messages.filter((m) => m.via === 'chat.postMessage').map((m) => `${executionIdIn(m.text)} ${eventOf(m.text)}`),
      slackStageWebhook: slack.messages.filter((m) => m.to.endsWith('/stages')).map((m) => `${executionIdIn(m.text)} ${eventOf(m.text)}`),
      emailOps: firstPer(smtp.mails, (m) => m.messageId).filter((m) => m.to.includes('ops@example.com')).map((m) => `${executionIdIn(m.body)} ${eventOf(m.subject)}`),
      emailAppDefault: firstPer(smtp.mails, (m) => m.messageId).filter((m) => m.to.includes('app-team@example.com')).map((m) => `${executionIdIn(m.body)} ${eventOf(m.subject)}`),
      teams: chat.teams.map((card) => `${executionIdIn(JSON.stringify(card.body))} ${eventOf(String(card.body.title))}`),
      googleChat: chat.googleChat.map((card) => `${executionIdIn(String(card.body.text))} ${eventOf(String(card.body.text))}`),
      webhook: firstPer(receiver.hooks, (hook) => hook.key).map((hook) => `${hook.body.executionId} ${hook.event}`),
    };
    const expectedOf = (events: string[]) => ids.flatMap((id) => events.map((event) => `${id} ${event}`)).sort();
    const expected: Record<string, string[]> = {
      slackChannel: expectedOf(['is starting', 'has completed']),
      slackStageWebhook: expectedOf(['is starting', 'has completed']),
      emailOps: expectedOf(['has completed']),
      emailAppDefault: expectedOf(['has completed']),
      teams: expectedOf(['is starting', 'has completed']),
      googleChat: expectedOf(['has completed']),
      webhook: expectedOf(['pipeline.starting', 'pipeline.complete']),
    };
    const unaskable = new Set(['slackStageWebhook', 'teams']);
    for (const [target, messages] of Object.entries(received)) {
      if (unaskable.has(target)) expect([...new Set(messages)].sort(), target).toEqual(expected[target]);
      else expect([...messages].sort(), target).toEqual(expected[target]);
    }
    const { rows: claimRows } = await pool.query<{ type: string; address: string; vanished: number }>(
      `SELECT type, address, claims - attempts AS vanished FROM notification_deliveries WHERE execution_id = ANY($1::uuid[])`,
      [ids],
    );
    const vanishedAt = (match: (row: { type: string; address: string }) => boolean) => claimRows.filter(match).reduce((sum, row) => sum + row.vanished, 0);
    const repeatsOf = (messages: string[]) => messages.length - new Set(messages).size;
    expect(repeatsOf(received.teams!)).toBeLessThanOrEqual(vanishedAt((row) => row.type === 'microsoftteams'));
    expect(repeatsOf(received.slackStageWebhook!)).toBeLessThanOrEqual(vanishedAt((row) => row.type === 'slack' && row.address.endsWith('/stages')));
    const rawRepeats = repeatsOf(smtp.mails.map((m) => m.messageId)) + repeatsOf(receiver.hooks.map((hook) => hook.key));
    const repeats = Object.values(received).reduce((sum, messages) => sum + repeatsOf(messages), 0);
    const sends = Object.values(received).reduce((sum, messages) => sum + messages.length, 0);
    console.log(
      `notifications under repeated SIGKILL of both workers: ${JSON.stringify({ messages: sends - repeats, repeatsActedOn: repeats, repeatsDroppedByKey: rawRepeats, vanishedClaims: vanishedAt(() => true), kills: KILL_ROUNDS * 2 })}`,
    );
    // Each recorded once, whatever was redelivered: one row per execution, event and target.
    const rows = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE execution_id = ANY($1::uuid[]) AND status = 'SENT'`, [ids]);
    expect(rows.rows[0]?.n).toBe(Object.values(expected).reduce((sum, list) => sum + list.length, 0));
    expect(slack.messages.filter((m) => m.to.endsWith('/muted'))).toEqual([]);
    expect(slack.messages.filter((m) => m.via === 'chat.postMessage' && m.text.includes('has completed')).every((m) => m.text.includes('Shipped!'))).toBe(true);
    expect(receiver.hooks.every((hook) => hook.signatureValid)).toBe(true);
    // A repeat carries the key of its first send, so a receiver that remembers keys acts once.
    expect(new Set(receiver.hooks.map((hook) => hook.key)).size).toBe(received.webhook!.length);

    // The broken Teams address: FAILED at once (a 404 never heals), recorded on each execution.
    const failed = await pool.query<{ execution_id: string; data: { type: string; willRetry: boolean; address: string; error: string } }>(
      `SELECT execution_id, data FROM audit_events WHERE type = 'NOTIFICATION_FAILED' AND execution_id = ANY($1::uuid[])`,
      [ids],
    );
    // (A loaded machine may also time a request out first: a failure that will be retried.)
    const teamsFailures = failed.rows.filter((row) => row.data.type === 'microsoftteams' && !row.data.willRetry);
    expect(teamsFailures.map((row) => row.execution_id).sort()).toEqual([...ids].sort());
    // Not retried, and the webhook URL's path (its credential) is not shown.
    expect(teamsFailures.every((row) => !row.data.willRetry && row.data.error.startsWith('HTTP 404') && !row.data.address.includes('gone'))).toBe(true);
    // The execution's view of its notifications says the same, without the webhook URL's credential.
    const view = await gantry.request<{ notifications: { type: string; status: string; address: string; lastError: string | null }[] }>('GET', `/api/v1/executions/${ids[0]}/notifications`);
    expect(view.status).toBe(200);
    expect(view.body.notifications.filter((n) => n.status === 'FAILED')).toEqual([expect.objectContaining({ type: 'microsoftteams', address: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…$/), lastError: expect.stringContaining('HTTP 404') })]);
    expect(view.body.notifications.filter((n) => n.status === 'SENT')).toHaveLength(11);
    // Slack's 429s: answered, retried after Retry-After and delivered (every message arrived above);
    // each is recorded as a failure that will be retried, unless a kill fell between the 429 and
    // that record (then the claim vanished and the next claim sent it).
    expect(slack.rateLimitedAnswers).toBe(2);
    const slackFailures = failed.rows.filter((row) => row.data.type === 'slack');
    expect(slackFailures.filter((row) => row.data.error.startsWith('HTTP 429')).length).toBeLessThanOrEqual(2);
    expect(slackFailures.every((row) => row.data.willRetry)).toBe(true);
    await Promise.all(pair.map((worker) => worker.kill('SIGTERM')));
  }, 420_000);

  describe('judgment from Slack', () => {
    let pipelineId: string;
    beforeAll(async () => {
      if (workers.every((worker) => worker.process.exitCode !== null || worker.process.signalCode !== null)) await startWorkers(1);
      pipelineId = await gantry.savePipeline({
        application: APP,
        name: 'judged',
        stages: [
          {
            refId: 'judge',
            type: 'manualJudgment',
            name: 'Approve',
            instructions: 'Ship it?',
            judgmentInputs: [{ value: 'ship' }, { value: 'hold' }],
            notifications: [{ type: 'slack', address: 'deploys', level: 'stage', when: ['manualJudgment', 'manualJudgmentContinue', 'manualJudgmentStop'] }],
          },
          { refId: 'after', type: 'wait', waitTime: 0, requisiteStageRefIds: ['judge'] },
        ],
      });
    });

    const awaitingMessage = async (executionId: string) => {
      let found: (typeof slack.messages)[number] | undefined;
      await eventually(async () => {
        found = slack.messages.find((m) => m.text.includes(executionId) && m.text.includes('awaiting a manual judgment'));
        return found;
      }, 30_000);
      return found!;
    };
    const buttons = (message: (typeof slack.messages)[number]) =>
      (message.blocks as { type: string; elements?: { text: { text: string }; value: string }[] }[]).find((b) => b.type === 'actions')?.elements ?? [];
    const click = (message: (typeof slack.messages)[number], label: string, user: string, options: { secret?: string; at?: number } = {}) => {
      const button = buttons(message).find((b) => b.text.text === label);
      if (button === undefined) throw new Error(`no button ${label}`);
      const payload = {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
        team: { id: 'T0001', domain: 'example' },
        container: { type: 'message', message_ts: message.ts, channel_id: 'CDEPLOYS' },
        channel: { id: 'CDEPLOYS', name: 'deploys' },
        message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
        response_url: slack.responseUrl(message.ts),
        actions: [{ type: 'button', block_id: 'gantry_judgment', action_id: 'x', value: button.value, action_ts: String(Date.now() / 1000) }],
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const timestamp = String(options.at ?? Math.floor(Date.now() / 1000));
      const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      return gantry.api.inject({
        method: 'POST',
        url: '/api/v1/notifications/slack/interactions',
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature, authorization: undefined },
      });
    };

    it('a forged or stale signature, or a Slack user without EXECUTE, judges nothing; a Continue button continues the execution', async () => {
      const executionId = await gantry.trigger(pipelineId);
      const message = await awaitingMessage(executionId);
      expect(buttons(message).map((b) => b.text.text)).toEqual(['Continue: ship', 'Continue: hold', 'Stop']);
      expect(message.text).toContain('Ship it?');

      expect((await click(message, 'Continue: ship', 'U0ALICE', { secret: 'not-the-secret' })).statusCode).toBe(401);
      expect((await click(message, 'Continue: ship', 'U0ALICE', { at: Math.floor(Date.now() / 1000) - 6 * 60 })).statusCode).toBe(401);
      const bob = await click(message, 'Stop', 'U0BOB');
      expect(bob.statusCode, bob.body).toBe(403);
      expect((await click(message, 'Stop', 'U0NOBODY')).statusCode).toBe(403);
      const pool = gantry.database.db.pool;
      const judged = await pool.query(`SELECT 1 FROM audit_events WHERE execution_id = $1 AND type = 'STAGE_JUDGED'`, [executionId]);
      expect(judged.rows).toEqual([]);
      expect(stageOf(await gantry.waitFor(executionId, () => true), 'judge').status).toBe('RUNNING');

      const alice = await click(message, 'Continue: ship', 'U0ALICE');
      expect(alice.statusCode, alice.body).toBe(200);
      const done = await gantry.waitFor(executionId, undefined, 60_000);
      expect(done.status).toBe('SUCCEEDED');
      expect(stageOf(done, 'judge').outputs).toMatchObject({ judgmentStatus: 'continue', judgmentInput: 'ship', lastModifiedBy: 'alice' });
      await eventually(async () => {
        expect(slack.replacements.filter((r) => r.responsePath.endsWith(message.ts))).toHaveLength(1);
        expect(slack.messages.filter((m) => m.text.includes(executionId) && m.text.includes('judged: continue (ship) by alice'))).toHaveLength(1);
        return true;
      }, 30_000);
      const replacement = slack.replacements.find((r) => r.responsePath.endsWith(message.ts));
      expect(replacement?.text).toContain('by alice via Slack');
      expect(JSON.stringify(replacement?.blocks)).not.toContain('gantry_judgment');
      // A second click (another person, a replay within the window) finds the stage judged.
      expect((await click(message, 'Stop', 'U0ALICE')).statusCode).toBe(409);
    }, 120_000);
  });
});
