import { describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '../pipeline';
import { saveRuleSchema } from '../policy/saveRules';
import { syncRefusals, type SyncCheckInputs } from './syncChecks';

const pipeline = (extra: Record<string, unknown> = {}) =>
  parsePipelineDefinition({ application: 'shop', name: 'deploy', stages: [{ refId: 'wait', type: 'wait', waitTime: 1 }], ...extra });

const inputs = (overrides: Partial<SyncCheckInputs> = {}): SyncCheckInputs => ({
  principal: { name: 'gitops', roles: ['shop-writers'] },
  grants: [{ role: 'shop-writers', kind: 'application', name: 'shop', actions: ['READ', 'WRITE'] }],
  serviceAccounts: new Map([['deployer', ['shop-writers']], ['root-ish', ['shop-writers', 'prod-deployers']]]),
  rules: [],
  accounts: [],
  ...overrides,
});

describe('syncRefusals: an API save’s checks for a file of a synced commit', () => {
  it('admits what the repository principal may save', () => {
    expect(syncRefusals(pipeline({ triggers: [{ type: 'cron', cronExpression: '0 0 * * *', runAsUser: 'deployer' }] }), undefined, inputs())).toEqual([]);
  });

  it('needs WRITE on the application, and on the one the pipeline moves from', () => {
    expect(syncRefusals(pipeline({ application: 'billing' }), undefined, inputs())).toEqual(['gitops lacks WRITE on application billing, which saving this pipeline needs']);
    expect(syncRefusals(pipeline(), 'billing', inputs())).toEqual(['gitops lacks WRITE on application billing, which saving this pipeline needs']);
  });

  it('refuses a runAsUser the principal does not cover, or that does not exist', () => {
    const refused = syncRefusals(pipeline({ triggers: [{ type: 'cron', cronExpression: '0 0 * * *', runAsUser: 'root-ish' }, { type: 'cron', cronExpression: '0 1 * * *', runAsUser: 'ghost' }] }), undefined, inputs());
    expect(refused).toEqual(['triggers.0.runAsUser: gitops may not make triggers run as root-ish: it lacks role prod-deployers', 'triggers.1.runAsUser: no service account ghost']);
  });

  it("applies the deploy policy's save rules, also with authentication off", () => {
    const rule = saveRuleSchema.parse({ name: 'described', expression: "has(pipeline.description) && pipeline.description != ''", message: 'say what the pipeline is for' });
    expect(syncRefusals(pipeline(), undefined, inputs({ principal: undefined, rules: [rule] }))).toEqual(['the deploy policy refuses this pipeline: described: say what the pipeline is for']);
    expect(syncRefusals(pipeline({ description: 'ships the shop' }), undefined, inputs({ principal: undefined, rules: [rule] }))).toEqual([]);
  });

  it('refuses every file when the principal cannot be had, and checks nothing else with authentication off', () => {
    expect(syncRefusals(pipeline(), undefined, inputs({ principal: { refused: 'no runAs' } }))).toEqual(['no runAs']);
    expect(syncRefusals(pipeline({ application: 'billing', triggers: [{ type: 'cron', cronExpression: '0 0 * * *', runAsUser: 'ghost' }] }), undefined, inputs({ principal: undefined }))).toEqual([]);
  });
});
