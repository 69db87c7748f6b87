import { describe, expect, it } from 'vitest';
import { readSlackJudgment, slackBody, slackTimestampFresh, teamsBody } from './channels';
import { applicationNotificationList, completionEvent, notificationProblems, plannedNotifications, renderNotification } from './notifications';

// As deck saves them (spinnaker/deck's notification editor): level, when, and a message per event.
const pipelineNotifications = [
  { type: 'slack', address: 'deploys', level: 'pipeline', when: ['pipeline.starting', 'pipeline.failed'], message: { 'pipeline.failed': { text: 'Page the on-call' } } },
  { type: 'email', address: 'ops@example.com', level: 'pipeline', when: ['pipeline.complete'] },
  { type: 'bearychat', address: 'x', level: 'pipeline', when: ['pipeline.complete'] },
];

describe('plannedNotifications', () => {
  it('picks the notifications whose when names the event, with their custom text', () => {
    expect(plannedNotifications('pipeline.failed', { pipeline: pipelineNotifications, application: [] })).toEqual([
      { target: { type: 'slack', address: 'deploys' }, customText: 'Page the on-call' },
    ]);
    // A type Gantry does not send is skipped, not an error.
    expect(plannedNotifications('pipeline.complete', { pipeline: pipelineNotifications, application: [] })).toEqual([{ target: { type: 'email', address: 'ops@example.com' } }]);
  });

  it("adds the application's defaults, one message per target", () => {
    const application = applicationNotificationList({ email: [{ address: 'ops@example.com', when: ['pipeline.complete'] }, { address: 'team@example.com', when: ['pipeline.complete'] }] });
    expect(plannedNotifications('pipeline.complete', { pipeline: pipelineNotifications, application }).map((p) => p.target.address)).toEqual(['ops@example.com', 'team@example.com']);
  });

  it("speaks for a stage's events only with sendNotifications, except a manual judgment's judgment events", () => {
    const stage = { type: 'wait', notifications: [{ type: 'slack', address: 'deploys', when: ['stage.starting'] }], sendNotifications: false };
    expect(plannedNotifications('stage.starting', { pipeline: [], application: [], stage })).toEqual([]);
    expect(plannedNotifications('stage.starting', { pipeline: [], application: [], stage: { ...stage, sendNotifications: true } })).toHaveLength(1);
    const judgment = { type: 'manualJudgment', notifications: [{ type: 'slack', address: 'deploys', when: ['manualJudgment'] }], sendNotifications: false };
    expect(plannedNotifications('manualJudgment', { pipeline: [], application: [], stage: judgment })).toHaveLength(1);
    // A stage's notifications never answer pipeline events.
    expect(plannedNotifications('pipeline.starting', { pipeline: [], application: [], stage: { ...stage, notifications: [{ type: 'slack', address: 'x', when: ['pipeline.starting'] }], sendNotifications: true } })).toEqual([]);
  });

  it('names unsent types and unknown events for the save-time report', () => {
    expect(notificationProblems([...pipelineNotifications, { type: 'slack', address: 'a', when: ['pipeline.exploded'] }], ['notifications'])).toEqual([
      { path: ['notifications', 2, 'type'], message: expect.stringContaining('bearychat') },
      { path: ['notifications', 3, 'when'], message: 'unknown event pipeline.exploded: never sent' },
    ]);
  });
});

describe('completionEvent', () => {
  it('maps final statuses as orca does', () => {
    expect(completionEvent('pipeline', 'SUCCEEDED')).toBe('pipeline.complete');
    expect(completionEvent('pipeline', 'CANCELED')).toBe('pipeline.failed');
    expect(completionEvent('stage', 'TERMINAL')).toBe('stage.failed');
    expect(completionEvent('stage', 'SKIPPED')).toBeUndefined();
    expect(completionEvent('stage', 'CANCELED')).toBeUndefined();
  });
});

describe('channels', () => {
  const facts = {
    event: 'manualJudgment' as const,
    application: 'shop',
    pipelineName: 'release',
    executionId: '0b6f7c1e-8a9d-4a53-9d1c-2f8e0c4b7a11',
    stage: { id: '5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', refId: 'judge', name: 'Approve', type: 'manualJudgment' },
    judgment: { instructions: 'Ship it?', inputs: ['ship'] },
    link: 'https://gantry.example.com/applications/shop/executions/0b6f7c1e-8a9d-4a53-9d1c-2f8e0c4b7a11',
  };

  it('gives the judgment message buttons whose values come back in the callback', () => {
    const message = renderNotification(facts, 'Release notes attached');
    expect(message.text).toBe("Stage Approve of shop's pipeline release is awaiting a manual judgment\nShip it?\nRelease notes attached");
    const body = slackBody(message) as { blocks: { type: string; block_id?: string; elements?: { value: string; text: { text: string } }[] }[] };
    const actions = body.blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.text.text)).toEqual(['Continue: ship', 'Stop']);
    const payload = { type: 'block_actions', user: { id: 'U123', username: 'alice' }, response_url: 'https://hooks.slack.com/actions/T/1/x', actions: [{ block_id: actions?.block_id, value: actions?.elements?.[0]?.value }] };
    expect(readSlackJudgment(payload)).toMatchObject({ executionId: facts.executionId, stageId: facts.stage.id, judgmentStatus: 'continue', judgmentInput: 'ship', slackUserId: 'U123' });
  });

  it('ignores callbacks that are not our buttons, or carry a tampered value', () => {
    expect(readSlackJudgment({ type: 'view_submission', user: { id: 'U1' } })).toBeUndefined();
    expect(readSlackJudgment({ type: 'block_actions', user: { id: 'U1' }, actions: [{ block_id: 'gantry_judgment', value: '{"executionId":"x"}' }] })).toBeUndefined();
  });

  it("checks Slack's five-minute timestamp window", () => {
    expect(slackTimestampFresh('1000', 1000 + 300)).toBe(true);
    expect(slackTimestampFresh('1000', 1000 + 301)).toBe(false);
    expect(slackTimestampFresh('1e3', 1000)).toBe(false);
    expect(slackTimestampFresh(undefined, 1000)).toBe(false);
  });

  it("renders Teams' MessageCard with the execution's link", () => {
    expect(teamsBody(renderNotification({ ...facts, event: 'pipeline.complete' }))).toMatchObject({ '@type': 'MessageCard', summary: "[Gantry] shop's pipeline release has completed", potentialAction: [{ targets: [{ uri: facts.link }] }] });
  });
});
