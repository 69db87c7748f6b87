import type { ClaimedNotification } from '@gantry/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../../../test/fakes/slack';
import { startFakeChatWebhooks, type FakeChatWebhooks } from '../../../../test/fakes/teams';
import { createChannels, type Channels } from './channels';

/** What makes a repeated send one message, per channel, against the wire-format fakes. */
describe('notification channels: a send after a vanished claim makes no second message where the receiver can tell', () => {
  let slack: FakeSlack;
  let chat: FakeChatWebhooks;
  let channels: Channels;
  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: 'xoxb-t', channels: ['deploys'] });
    chat = await startFakeChatWebhooks();
    channels = createChannels({ slack: { apiUrl: slack.apiUrl, botToken: 'xoxb-t' }, http: { allowedHosts: ['127.0.0.1'], timeoutMs: 5000, fetch: globalThis.fetch } });
  });
  afterAll(async () => {
    channels?.close();
    await slack?.close();
    await chat?.close();
  });

  const notification = (key: string, type: string, address: string, uncertain: boolean): ClaimedNotification => ({
    id: key,
    key,
    execution_id: null,
    stage_id: null,
    event: 'pipeline.complete',
    type,
    address,
    message: { subject: 'shop deploy', text: `text of ${key}` },
    attempts: 0,
    claim: uncertain ? 2 : 1,
    uncertain,
    first_claimed_at: new Date(),
  });

  it('Slack chat.postMessage: carries its key as metadata; after a vanished claim it finds the message by it and does not post again', async () => {
    const first = await channels.deliver(notification('k-slack', 'slack', 'deploys', false));
    expect(first).toEqual({ ok: true, remoteRef: expect.stringMatching(/^CDEPLOYS:\d+\.\d+$/) });
    expect(slack.messages.at(-1)?.metadata).toEqual({ event_type: 'gantry_notification', event_payload: { key: 'k-slack' } });
    // The sender that posted died before its mark: the next one finds the message.
    expect(await channels.deliver(notification('k-slack', 'slack', 'deploys', true))).toEqual(first);
    // One whose predecessor died before posting posts it.
    expect(await channels.deliver(notification('k-other', 'slack', 'deploys', true))).toMatchObject({ ok: true });
    expect(slack.messages.map((m) => m.text)).toEqual(['text of k-slack', 'text of k-other']);
  });

  it('Google Chat: the same requestId on every attempt, which Google answers with the first message', async () => {
    for (const uncertain of [false, true]) expect(await channels.deliver(notification('k-chat', 'googlechat', chat.googleChatUrl('ops'), uncertain))).toEqual({ ok: true });
    expect(chat.googleChat).toHaveLength(1);
    expect(new URL(chat.googleChat[0]!.path, 'http://x').searchParams.get('requestId')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
