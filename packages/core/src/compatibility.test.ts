import { describe, expect, it } from 'vitest';
import { compatibilityReport } from './compatibility';

describe('compatibilityReport', () => {
  it('says what loads, what is ignored and what is unsupported, each with its path', () => {
    const report = compatibilityReport({
      application: 'Shop',
      name: 'pasted',
      id: 'b5c8…',
      updateTs: '1554397530000',
      spelEvaluator: 'v4',
      parameterConfig: [{ name: 'tag', default: 'latest' }],
      notifications: [{ type: 'slack', address: '#deploys', when: ['pipeline.failed'] }],
      triggers: [{ type: 'cron', cronExpression: '0 0 12 ? * 2 *', enabled: true }],
      stages: [
        { type: 'wait', waitTime: '30', comments: 'let caches warm' },
        { type: 'metricSetMixer', account: 'k8s' },
      ],
    });
    expect(report.accepted).toBe(false);
    expect(report.unsupported).toEqual([expect.objectContaining({ path: ['stages', 1, 'type'], message: expect.stringMatching(/unknown stage type "metricSetMixer"/) })]);
    expect(report.loads.map((finding) => finding.pathString)).toEqual(['parameterConfig', 'notifications', 'stages.0', 'triggers.0']);
    expect(report.loads[2]?.message).toBe('wait stage (no refId: runs as stage 1, after the stage before it)');
    expect(report.ignored.map((finding) => finding.pathString)).toEqual(['id', 'updateTs', 'spelEvaluator', 'stages.0.comments']);
  });

  it('accepts what saving accepts, with nothing unsupported', () => {
    const report = compatibilityReport({ application: 'shop', name: 'ok', stages: [{ refId: '1', type: 'wait', waitTime: 1 }] });
    expect(report).toMatchObject({ accepted: true, unsupported: [], loads: [{ pathString: 'stages.0', message: 'wait stage' }] });
    expect(compatibilityReport('nope')).toMatchObject({ accepted: false, unsupported: [{ path: [] }] });
  });
});
