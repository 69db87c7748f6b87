import { describe, expect, it } from 'vitest';
import { bakeFieldsSchema, bakePlaceOf, bakeStage } from './bake';
import { check } from './testSupport';

describe('bake stage', () => {
  it('plans one polling task and builds in the first region, copying to the others', () => {
    const fields = { account: 'aws-prod', regions: ['us-east-1', 'eu-west-1', 'us-east-1'], package: 'checkout', version: 7, baseAmi: 'ami-0abc' };
    expect(check(bakeStage, fields)).toMatchObject({ ok: true, tasks: ['bakeImage'], data: { version: '7' } });
    expect(bakePlaceOf(bakeFieldsSchema.parse(fields))).toEqual({ account: 'aws-prod', cloud: 'aws', region: 'us-east-1', copyTo: ['eu-west-1'] });
  });

  it('takes region as the build region and Spinnaker credentials as the account', () => {
    const fields = { credentials: 'gcp', cloudProviderType: 'gce', region: 'europe-west1', regions: ['us-central1'], package: 'p', version: '1.2' };
    expect(bakePlaceOf(bakeFieldsSchema.parse(fields))).toEqual({ account: 'gcp', cloud: 'gcp', region: 'europe-west1', copyTo: ['us-central1'] });
  });

  it('names each missing or contradictory field', () => {
    expect(check(bakeStage, { package: ' ', version: '1' })).toMatchObject({ ok: false, issues: [{ path: ['package'] }] });
    expect(check(bakeStage, { account: 'a', credentials: 'b', package: 'p', version: '1', baseImage: 'x', baseAmi: 'y' })).toEqual({
      ok: false,
      issues: [
        { path: ['credentials'], message: 'names a different account than account (a)' },
        { path: ['baseAmi'], message: 'names a different base image than baseImage (x)' },
      ],
    });
  });

  it('bakes no package when the stage names none (or "", as Deck leaves it): rosco bakes the base image as is', () => {
    for (const fields of [{ baseOs: 'trusty', baseLabel: 'release', region: 'us-west-2' }, { package: '', baseOs: 'trusty' }]) {
      const checked = check(bakeStage, fields);
      expect(checked.ok).toBe(true);
      expect(checked.ok && (checked.data as { package?: string }).package).toBeUndefined();
    }
  });

  it('bakes the newest version of the package when the stage names none, as Spinnaker\'s bake does', () => {
    expect(check(bakeStage, { account: 'aws-prod', package: 'checkout', baseOs: 'trusty' })).toMatchObject({ ok: true, data: { version: 'latest' } });
  });

  it("accepts Spinnaker's bake without account: the one account of its cloud bakes it (aws unless cloudProviderType says)", () => {
    const fields = bakeFieldsSchema.parse({ package: 'deck', baseOs: 'ubuntu', region: 'us-east-1' });
    expect(bakePlaceOf(fields)).toEqual({ account: undefined, cloud: 'aws', region: 'us-east-1', copyTo: [] });
    // Deck's "" is no base AMI (and no baseName); baseName is rosco's stem of the baked image's name.
    expect(check(bakeStage, { package: 'rush', baseOs: 'trusty', baseAmi: '', baseName: '' })).toMatchObject({ ok: true, data: { baseName: undefined } });
    expect(check(bakeStage, { package: 'rush', baseAmi: '', baseName: 'trustybase-x86_64-201502030013-ebs' })).toMatchObject({
      ok: true,
      data: { baseName: 'trustybase-x86_64-201502030013-ebs' },
    });
  });

  it("takes the package from one packageArtifactIds artifact instead of package, as Spinnaker's bake can", () => {
    expect(check(bakeStage, { baseOs: 'trusty', packageArtifactIds: ['8a61'] })).toMatchObject({ ok: true, data: { packageArtifactIds: ['8a61'] } });
    const issues = (fields: Record<string, unknown>) => {
      const checked = check(bakeStage, fields);
      return checked.ok ? [] : checked.issues.map((issue) => issue.path.join('.'));
    };
    expect(issues({ baseOs: 'trusty', packageArtifactIds: [] })).toEqual([]);
    expect(issues({ baseOs: 'trusty', packageArtifactIds: ['a', 'b'] })).toEqual(['packageArtifactIds']);
    expect(issues({ baseOs: 'trusty', package: 'p', packageArtifactIds: ['a'] })).toEqual(['packageArtifactIds']);
  });

  it('accepts expressions when saved', () => {
    expect(bakeStage.fields.safeParse({ account: 'a', package: 'p', version: '${trigger.buildInfo.number}' }).success).toBe(true);
  });
});
