import { describe, expect, it } from 'vitest';
import { chaosGroupKey, chaosMonkeyConfigSchema, decideChaosDay, isChaosException, killWindowToday, workDaysSince } from './chaosMonkey';

const config = chaosMonkeyConfigSchema.parse({ enabled: true, killWindow: { timeZone: 'Europe/Paris' } });

describe('chaos monkey configuration', () => {
  it("fills Chaos Monkey 2's defaults and names the field of a mistake", () => {
    expect(config).toMatchObject({ meanTimeBetweenKillsInWorkDays: 5, minTimeBetweenKillsInWorkDays: 1, grouping: 'cluster', killWindow: { start: '09:00', end: '15:00', workDays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] } });
    const bad = chaosMonkeyConfigSchema.safeParse({ enabled: true, minTimeBetweenKillsInWorkDays: 9, meanTimeBetweenKillsInWorkDays: 2, killWindow: { start: '15:00', end: '09:00', timeZone: 'Mars/Olympus' } });
    expect(bad.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['killWindow.end', 'killWindow.timeZone', 'minTimeBetweenKillsInWorkDays']);
  });

  it('groups by app, stack or cluster per account and location, and matches exceptions field by field', () => {
    const place = { account: 'prod', location: 'us-east-1', cluster: 'shop-web-canary' };
    expect(chaosGroupKey('app', 'shop', place)).toBe('app:prod/us-east-1/shop');
    expect(chaosGroupKey('stack', 'shop', place)).toBe('stack:prod/us-east-1/shop-web');
    expect(chaosGroupKey('cluster', 'shop', place)).toBe('cluster:prod/us-east-1/shop-web-canary');
    expect(isChaosException({ exceptions: [{ account: 'prod', cluster: 'shop-web-canary' }] }, place)).toBe(true);
    expect(isChaosException({ exceptions: [{ account: 'prod', location: 'eu-west-1' }] }, place)).toBe(false);
  });
});

describe('kill window and decisions', () => {
  it('reads the window in its time zone on work days only', () => {
    // 2026-12-07 is a Monday; 10:30 in Paris is 09:30 UTC.
    const monday = killWindowToday(config.killWindow, new Date('2026-12-07T09:30:00Z'));
    expect(monday).toMatchObject({ day: '2026-12-07', workDay: true, open: true, start: new Date('2026-12-07T08:00:00Z'), end: new Date('2026-12-07T14:00:00Z') });
    expect(killWindowToday(config.killWindow, new Date('2026-12-07T14:30:00Z')).open).toBe(false);
    expect(killWindowToday(config.killWindow, new Date('2026-12-06T09:30:00Z'))).toMatchObject({ workDay: false, open: false });
  });

  it('counts work days since the last kill', () => {
    const days = config.killWindow.workDays;
    expect(workDaysSince('2026-12-04', '2026-12-07', days)).toBe(1);
    expect(workDaysSince('2026-12-07', '2026-12-07', days)).toBe(0);
    expect(workDaysSince(undefined, '2026-12-07', days)).toBe(Infinity);
  });

  it('decides the same for the same seed, kills about 1 in mean, inside the window, never within min of the last kill', () => {
    const window = killWindowToday(config.killWindow, new Date('2026-12-07T09:30:00Z'));
    const now = new Date('2026-12-07T09:30:00Z');
    const decide = (seed: string, since = Infinity) => decideChaosDay({ config, window, now, seed, workDaysSinceLastKill: since });
    expect(decide('g:2026-12-07')).toEqual(decide('g:2026-12-07'));
    const decisions = Array.from({ length: 1000 }, (_, index) => decide(`g${index}:2026-12-07`));
    const kills = decisions.filter((decision) => decision.kill);
    expect(kills.length).toBeGreaterThan(150);
    expect(kills.length).toBeLessThan(250);
    for (const kill of kills) if (kill.kill) expect(kill.at >= now && kill.at < window.end).toBe(true);
    expect(decide('g1', 0)).toEqual({ kill: false, reason: 'last kill 0 work day(s) ago, minTimeBetweenKillsInWorkDays is 1' });
    const always = chaosMonkeyConfigSchema.parse({ enabled: true, meanTimeBetweenKillsInWorkDays: 1, minTimeBetweenKillsInWorkDays: 0 });
    expect(decideChaosDay({ config: always, window, now, seed: 'x', workDaysSinceLastKill: 0 }).kill).toBe(true);
  });
});
