import { describe, expect, it } from 'vitest';
import { findAmiStage, findImageFieldsSchema, findImageStage, selectImageSource } from './findImage';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const groups = [
  { name: 'app-v000', image: 'ami-old', enabled: true, createdAt: at(1), instances: 3 },
  { name: 'app-v001', image: 'ami-mid', enabled: true, createdAt: at(2), instances: 5 },
  { name: 'app-v002', image: 'ami-new', enabled: false, createdAt: at(3), instances: 9 },
];

describe('selectImageSource (clouddriver target selection)', () => {
  it('chooses the newest, the oldest or the largest group, among the enabled ones with onlyEnabled', () => {
    const chosen = (strategy: 'NEWEST' | 'OLDEST' | 'LARGEST', onlyEnabled: boolean) => {
      const selection = selectImageSource(groups, strategy, onlyEnabled);
      return selection.ok ? selection.chosen.image : selection.reason;
    };
    expect(chosen('NEWEST', true)).toBe('ami-mid');
    expect(chosen('NEWEST', false)).toBe('ami-new');
    expect(chosen('OLDEST', true)).toBe('ami-old');
    expect(chosen('LARGEST', true)).toBe('ami-mid');
    expect(chosen('LARGEST', false)).toBe('ami-new');
  });

  it('breaks a LARGEST tie by the newest group', () => {
    const tied = groups.map((group) => ({ ...group, instances: 2 }));
    expect(selectImageSource(tied, 'LARGEST', false)).toMatchObject({ ok: true, chosen: { name: 'app-v002' } });
  });

  it('FAIL takes the only group and refuses to choose between several, naming them', () => {
    expect(selectImageSource(groups, 'FAIL', true)).toEqual({ ok: false, reason: '2 server groups (app-v001, app-v000) and selectionStrategy FAIL' });
    expect(selectImageSource(groups.slice(0, 1), 'FAIL', true)).toMatchObject({ ok: true, chosen: { image: 'ami-old' } });
  });

  it('answers why there is nothing to choose from', () => {
    expect(selectImageSource([groups[2]!], 'NEWEST', true)).toEqual({ ok: false, reason: 'no enabled server group' });
    expect(selectImageSource([], 'NEWEST', false)).toEqual({ ok: false, reason: 'no server group' });
  });
});

describe('findImage / findAmi fields', () => {
  it("accepts Orca's stage as pasted, with its defaults (NEWEST, only enabled groups)", () => {
    const pasted = { type: 'findAmi', cluster: 'rush-main', account: 'prod', regions: ['us-west-1'], master: 'spinnaker', job: 'left over by Deck' };
    expect(findAmiStage.fields.safeParse(pasted).success).toBe(true);
    expect(findImageFieldsSchema.parse({ cluster: 'compute', credentials: 'gce', moniker: { app: 'compute' } })).toMatchObject({ selectionStrategy: 'NEWEST', onlyEnabled: true });
  });

  it('refuses what it cannot honour, naming the field', () => {
    const issues = (fields: Record<string, unknown>) => findImageStage.fields.safeParse(fields).error?.issues.map((issue) => issue.path.join('.'));
    expect(issues({ cluster: 'app', selectionStrategy: 'NEWEST' })).toEqual(['account']);
    expect(issues({ cluster: 'app', account: 'a', selectionStrategy: 'BIGGEST' })).toEqual(['selectionStrategy']);
    expect(issues({ cluster: 'app', account: 'a', imageNamePattern: 'app-.*' })).toEqual(['imageNamePattern']);
    expect(issues({ cluster: 'Not A Cluster', account: 'a' })).toEqual(['cluster']);
    expect(issues({ cluster: '${parameters.cluster}', account: 'a' })).toBeUndefined();
  });
});
