import { describe, expect, it } from 'vitest';
import { describeTarget, parseTarget, selectTarget, type TargetSelector } from './target';
import { group } from './testSupport';

const name = (groups: Parameters<typeof selectTarget>[0], target: TargetSelector) => {
  const result = selectTarget(groups, target);
  return result.ok ? result.serverGroup.name : `! ${result.reason}`;
};

describe('selectTarget', () => {
  // v001 old and disabled, v002 serving, v003 newest but not in traffic yet (a deploy in progress).
  const cluster = [group(1, { enabled: false }), group(2), group(3, { enabled: false })];

  it('current is the newest group in traffic', () => {
    expect(name(cluster, 'current')).toBe('app-v002');
    expect(name([group(1), group(2)], 'current')).toBe('app-v002');
  });

  it('previous (and ancestor) is the newest group older than current', () => {
    expect(name(cluster, 'previous')).toBe('app-v001');
    expect(name(cluster, 'ancestor')).toBe('app-v001');
    expect(name([group(2)], 'previous')).toBe('! no server group is older than the current one (app-v002)');
  });

  it('oldest is the first created, but never the only group', () => {
    expect(name(cluster, 'oldest')).toBe('app-v001');
    expect(name([group(7)], 'oldest')).toBe('! the only server group (app-v007) is not "oldest" among others');
  });

  it('largest is by desired capacity, the newest of equals', () => {
    const sized = [
      group(1, { capacity: { min: 1, max: 9, desired: 5 } }),
      group(2, { capacity: { min: 1, max: 9, desired: 5 } }),
      group(3, { capacity: { min: 1, max: 9, desired: 1 } }),
    ];
    expect(name(sized, 'largest')).toBe('app-v002');
  });

  it('a name selects exactly that group', () => {
    expect(name(cluster, { name: 'app-v003' })).toBe('app-v003');
    expect(name(cluster, { name: 'app-v009' })).toBe('! no server group named app-v009');
  });

  it('explains why nothing matches', () => {
    expect(name([], 'current')).toBe('! no server groups, so no current one');
    const idle = [group(1, { enabled: false })];
    expect(name(idle, 'current')).toBe('! no server group is enabled (taking traffic)');
    expect(name(idle, 'previous')).toBe('! no server group is enabled (taking traffic), so no previous one');
  });

  it("reads Gantry's and Spinnaker's spellings", () => {
    expect(parseTarget('current')).toBe('current');
    expect(parseTarget('current_asg_dynamic')).toBe('current');
    expect(parseTarget('ancestor_asg_dynamic')).toBe('previous');
    expect(parseTarget('oldest_asg_dynamic')).toBe('oldest');
    expect(parseTarget('largest_asg_dynamic')).toBe('largest');
    expect(parseTarget('newest')).toBeUndefined();
    expect(describeTarget({ name: 'app-v001' })).toBe('app-v001');
  });
});
