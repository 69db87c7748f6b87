import { describe, expect, it } from 'vitest';
import { deployPolicySchema } from './deployPolicy';
import { freezeVerdict, freezeWindowSchema, windowCovers } from './freezeWindows';
import { saveRuleViolations, type PolicyAccount } from './saveRules';
import { matchingTrafficGuard, trafficGuardsSchema } from './trafficGuards';

const window = (input: Record<string, unknown>) => freezeWindowSchema.parse({ name: 'w', applications: ['*'], ...input });
const shop = { application: 'shop', account: 'k8s-prod' };

describe('freeze windows', () => {
  // 2026-12-04 is a Friday.
  const fridayEvening = window({ timeZone: 'Europe/Paris', weekly: [{ days: ['fri'], start: '16:00', end: '23:00' }] });

  it('is in force on its day and hours in its own time zone, and says when it ends', () => {
    // 17:30 in Paris (UTC+1 in December).
    expect(freezeVerdict([fridayEvening], shop, new Date('2026-12-04T16:30:00Z'))).toEqual({
      action: 'wait',
      windows: [{ window: 'w', action: 'wait', until: new Date('2026-12-04T22:00:00Z') }],
      until: new Date('2026-12-04T22:00:00Z'),
    });
    // 16:30 UTC is 15:30 in New York... but 17:30 in Paris: the window's zone is what counts.
    expect(freezeVerdict([fridayEvening], shop, new Date('2026-12-04T14:59:00Z'))).toBeUndefined();
    expect(freezeVerdict([fridayEvening], shop, new Date('2026-12-04T22:00:00Z'))).toBeUndefined();
    expect(freezeVerdict([fridayEvening], shop, new Date('2026-12-05T16:30:00Z'))).toBeUndefined();
  });

  it('runs past midnight when end is not after start, counting from the day it starts', () => {
    const nights = window({ weekly: [{ days: ['fri'], start: '22:00', end: '06:00' }] });
    expect(freezeVerdict([nights], shop, new Date('2026-12-04T23:00:00Z'))?.until).toEqual(new Date('2026-12-05T06:00:00Z'));
    expect(freezeVerdict([nights], shop, new Date('2026-12-05T05:59:00Z'))?.until).toEqual(new Date('2026-12-05T06:00:00Z'));
    // Thursday night is not frozen.
    expect(freezeVerdict([nights], shop, new Date('2026-12-04T05:00:00Z'))).toBeUndefined();
  });

  it('reads ranges without an offset in the window time zone, and with one as written', () => {
    const holidays = window({ timeZone: 'America/New_York', ranges: [{ start: '2026-12-24T00:00', end: '2026-12-27T00:00' }] });
    expect(freezeVerdict([holidays], shop, new Date('2026-12-24T04:59:00Z'))).toBeUndefined();
    expect(freezeVerdict([holidays], shop, new Date('2026-12-24T05:00:00Z'))?.until).toEqual(new Date('2026-12-27T05:00:00Z'));
    const utc = window({ ranges: [{ start: '2026-12-24T00:00:00+01:00', end: '2026-12-24T02:00:00+01:00' }] });
    expect(freezeVerdict([utc], shop, new Date('2026-12-23T23:30:00Z'))?.until).toEqual(new Date('2026-12-24T01:00:00Z'));
  });

  it('handles a daylight saving change inside a window', () => {
    // Europe/Paris moves to summer time on 2026-03-29 at 02:00 → 03:00.
    const sunday = window({ timeZone: 'Europe/Paris', weekly: [{ days: ['sat'], start: '20:00', end: '12:00' }] });
    expect(freezeVerdict([sunday], shop, new Date('2026-03-29T05:00:00Z'))?.until).toEqual(new Date('2026-03-29T10:00:00Z'));
  });

  it('waits through back-to-back windows, and fails if any window in force says fail', () => {
    const evening = window({ name: 'evening', weekly: [{ days: ['fri'], start: '18:00', end: '22:00' }] });
    const night = window({ name: 'night', action: 'fail', weekly: [{ days: ['fri'], start: '22:00', end: '06:00' }] });
    const verdict = freezeVerdict([evening, night], shop, new Date('2026-12-04T19:00:00Z'));
    expect(verdict).toMatchObject({ action: 'wait', until: new Date('2026-12-05T06:00:00Z') });
    expect(freezeVerdict([evening, night], shop, new Date('2026-12-04T23:00:00Z'))).toMatchObject({ action: 'fail', windows: [{ window: 'night' }] });
  });

  it('covers a stage by application and account; both must match when both are given', () => {
    const prodShop = window({ applications: ['shop'], accounts: ['k8s-prod'], weekly: [{ days: ['mon'], start: '00:00', end: '24:00' }] });
    expect(windowCovers(prodShop, shop)).toBe(true);
    expect(windowCovers(prodShop, { application: 'shop', account: 'k8s-staging' })).toBe(false);
    expect(windowCovers(prodShop, { application: 'cart', account: 'k8s-prod' })).toBe(false);
    const anyProd = freezeWindowSchema.parse({ name: 'p', accounts: ['k8s-prod'], ranges: [{ start: '2026-01-01T00:00Z', end: '2026-01-02T00:00Z' }] });
    expect(windowCovers(anyProd, { application: 'cart', account: 'k8s-prod' })).toBe(true);
    expect(windowCovers(anyProd, { application: 'cart', account: undefined })).toBe(false);
  });

  it('refuses windows that cannot work, naming the field', () => {
    const problems = (input: Record<string, unknown>) => freezeWindowSchema.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ name: 'x', applications: ['a'], timeZone: 'Mars/Olympus', weekly: [{ days: ['mon'], start: '9:00', end: '10:00' }] })).toEqual([
      'timeZone: an IANA time zone such as Europe/Paris or UTC',
      'weekly.0.start: a time of day as HH:MM (00:00 to 24:00)',
    ]);
    expect(problems({ name: 'x', weekly: [] })).toEqual([
      'applications: name the applications or the accounts (or both) the window covers; "*" for all',
      'weekly: give weekly hours or ranges (or both)',
    ]);
    expect(problems({ name: 'x', accounts: ['a'], ranges: [{ start: '2026-01-02T00:00', end: '2026-01-01T00:00' }] })).toEqual(['ranges.0.end: must be after start']);
  });
});

describe('traffic guards', () => {
  const guards = trafficGuardsSchema.parse({
    shop: [
      { account: 'k8s-prod', stack: 'prod' },
      { account: '*', location: 'eu-west-1', stack: '', detail: '' },
      { account: 'k8s-prod', stack: 'canary', enabled: false },
    ],
  });

  it('matches by account, location, stack and detail, with * and "" as Spinnaker does', () => {
    expect(matchingTrafficGuard(guards, { account: 'k8s-prod', location: 'ns1', cluster: 'shop-prod' })).toMatchObject({ stack: 'prod' });
    expect(matchingTrafficGuard(guards, { account: 'k8s-prod', location: 'ns1', cluster: 'shop-prod-eu' })).toMatchObject({ stack: 'prod' });
    expect(matchingTrafficGuard(guards, { account: 'k8s-staging', location: 'ns1', cluster: 'shop-prod' })).toBeUndefined();
    expect(matchingTrafficGuard(guards, { account: 'aws', location: 'eu-west-1', cluster: 'shop' })).toMatchObject({ location: 'eu-west-1' });
    expect(matchingTrafficGuard(guards, { account: 'aws', location: 'eu-west-1', cluster: 'shop-web' })).toBeUndefined();
    expect(matchingTrafficGuard(guards, { account: 'k8s-prod', location: 'ns1', cluster: 'shop-canary' })).toBeUndefined();
    expect(matchingTrafficGuard(guards, { account: 'k8s-prod', location: 'ns1', cluster: 'cart-prod' })).toBeUndefined();
  });
});

describe('save-time rules', () => {
  const accounts: PolicyAccount[] = [
    { name: 'k8s-prod', provider: 'kubernetes', tags: ['prod'] },
    { name: 'k8s-staging', provider: 'kubernetes', tags: ['staging'] },
  ];
  const policy = deployPolicySchema.parse({
    rules: [
      {
        name: 'prod-needs-judgment',
        expression: `stages.all(s, !(s.type in ['deploy', 'canary']) || !('prod' in s.accountTags) || 'manualJudgment' in s.upstreamTypes)`,
        message: 'a deploy to a prod account must follow a manualJudgment stage',
      },
    ],
  });
  const deploy = (account: string, requisites: string[] = []) => ({
    refId: 'deploy',
    type: 'deploy',
    requisiteStageRefIds: requisites,
    cluster: { account, application: 'shop', strategy: 'highlander', image: 'x', capacity: { min: 1, max: 1, desired: 1 } },
  });
  const judgment = { refId: 'judge', type: 'manualJudgment', requisiteStageRefIds: [] };
  const wait = { refId: 'wait', type: 'wait', waitTime: 1, requisiteStageRefIds: ['judge'] };

  it('refuses a prod deploy with no judgment before it, naming the rule', () => {
    expect(saveRuleViolations(policy.rules, { application: 'shop', stages: [deploy('k8s-prod')] }, accounts)).toEqual([
      { rule: 'prod-needs-judgment', message: 'a deploy to a prod account must follow a manualJudgment stage' },
    ]);
  });

  it("sees a syncManifests stage naming a drift watch in the watch's account, its tags included", () => {
    const prodTagged = deployPolicySchema.parse({
      rules: [{ name: 'prod-sync-needs-judgment', expression: `stages.all(s, !('prod' in s.accountTags) || 'manualJudgment' in s.upstreamTypes)`, message: 'prod needs a judgment' }],
    });
    const sync = { refId: 'sync', type: 'syncManifests', watch: 'web', requisiteStageRefIds: [] };
    const watchAccounts = new Map([['web', 'k8s-prod']]);
    expect(saveRuleViolations(prodTagged.rules, { stages: [sync] }, accounts, watchAccounts)).toEqual([{ rule: 'prod-sync-needs-judgment', message: 'prod needs a judgment' }]);
    expect(saveRuleViolations(prodTagged.rules, { stages: [judgment, { ...sync, requisiteStageRefIds: ['judge'] }] }, accounts, watchAccounts)).toEqual([]);
    // A watch given by an expression may be any watch: every tag counts.
    expect(saveRuleViolations(prodTagged.rules, { stages: [{ ...sync, watch: '${parameters.watch}' }] }, accounts, watchAccounts)).toHaveLength(1);
    expect(saveRuleViolations(prodTagged.rules, { stages: [{ ...sync, watch: 'unknown' }] }, accounts, watchAccounts)).toEqual([]);
  });

  it('accepts a judgment anywhere upstream, and deploys elsewhere without one', () => {
    expect(saveRuleViolations(policy.rules, { stages: [judgment, wait, deploy('k8s-prod', ['wait'])] }, accounts)).toEqual([]);
    expect(saveRuleViolations(policy.rules, { stages: [deploy('k8s-staging')] }, accounts)).toEqual([]);
    // A judgment downstream of the deploy does not count.
    expect(saveRuleViolations(policy.rules, { stages: [deploy('k8s-prod'), { ...judgment, requisiteStageRefIds: ['deploy'] }] }, accounts)).toHaveLength(1);
  });

  it('treats an account given by an expression as possibly any account', () => {
    expect(saveRuleViolations(policy.rules, { stages: [deploy('${parameters.account}')] }, accounts)).toHaveLength(1);
  });

  it('counts a rule that fails to evaluate as broken, and refuses a rule that cannot compile at load', () => {
    const strict = deployPolicySchema.parse({ rules: [{ name: 'r', expression: 'pipeline.missing == 1', message: 'm' }] });
    expect(saveRuleViolations(strict.rules, { stages: [] }, accounts)).toEqual([{ rule: 'r', message: expect.stringMatching(/^m \(the rule could not be evaluated: .*missing/) }]);
    const bad = deployPolicySchema.safeParse({ rules: [{ name: 'r', expression: 'nope.x == 1', message: 'm' }, { name: 's', expression: '"text"', message: 'm' }] });
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['rules.0.expression', 'rules.1.expression']);
  });
});
