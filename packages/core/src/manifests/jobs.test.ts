import { describe, expect, it } from 'vitest';
import { checkJobManifest, jobNameFor, propertiesFromLog } from './jobs';

const job = (metadata: Record<string, unknown>) => checkJobManifest({ apiVersion: 'batch/v1', kind: 'Job', metadata, spec: {} });

describe('runJobManifest decisions', () => {
  it('names the Job after name- or generateName plus a suffix fixed by the digest, within 63 characters', () => {
    const digest = new Uint8Array([0, 1, 2, 3, 4, 5]);
    expect(jobNameFor(job({ name: 'migrate' }), digest)).toBe('migrate-bcdfg');
    expect(jobNameFor(job({ generateName: 'migrate-' }), digest)).toBe('migrate-bcdfg');
    expect(jobNameFor(job({ name: 'migrate' }), new Uint8Array([26, 27, 5, 6, 7]))).toBe('migrate-9bhjk');
    expect(jobNameFor(job({ name: 'x'.repeat(80) }), digest)).toHaveLength(63);
  });

  it('refuses what is not a named Job, naming the manifest', () => {
    expect(() => checkJobManifest({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } })).toThrow('manifest (Deployment web): runJobManifest runs a Job, not a Deployment');
    expect(() => checkJobManifest({ apiVersion: 'batch/v1', metadata: { name: 'web' } })).toThrow('runJobManifest runs a Job, not a manifest without kind');
    expect(() => checkJobManifest({ apiVersion: 'batch/v1', kind: 'Job', metadata: {} })).toThrow('metadata.name (or generateName) is missing');
  });

  it('reads SPINNAKER_PROPERTY_ lines (key lower-cased, value split at the first =) and SPINNAKER_CONFIG_JSON objects', () => {
    const log = [
      'Cloning into repo...',
      'SPINNAKER_PROPERTY_COMMIT_ID=ab12cd3',
      '  + echo SPINNAKER_PROPERTY_TOKEN=dGVzdA==  ',
      'SPINNAKER_PROPERTY_EMPTY=',
      'SPINNAKER_CONFIG_JSON={"replicas": 3, "image": {"tag": "1.2.3"}}',
    ].join('\n');
    expect(propertiesFromLog(log)).toEqual({ commit_id: 'ab12cd3', token: 'dGVzdA==', replicas: 3, image: { tag: '1.2.3' } });
    expect(propertiesFromLog('')).toEqual({});
    expect(() => propertiesFromLog('SPINNAKER_CONFIG_JSON=[1, 2]')).toThrow('SPINNAKER_CONFIG_JSON is not a JSON object: [1, 2]');
  });
});
