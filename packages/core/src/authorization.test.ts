import { describe, expect, it } from 'vitest';
import {
  ANY,
  allows,
  describePermission,
  executionPrincipal,
  missingPermissions,
  mayRunAs,
  permissionsToRun,
  readable,
  stageAccounts,
  triggerIdentity,
  withoutTriggerIdentity,
  type Grant,
} from './authorization';
import { runAsOf } from './triggers/decide';

const grants: Grant[] = [
  { role: 'shop-dev', kind: 'application', name: 'shop', actions: ['WRITE'] },
  { role: 'shop-ops', kind: 'application', name: 'shop', actions: ['EXECUTE'] },
  { role: 'shop-ops', kind: 'account', name: 'local', actions: ['EXECUTE'] },
  { role: 'auditor', kind: 'application', name: ANY, actions: ['READ'] },
];

describe('authorization', () => {
  it('grants what a role holds; WRITE and EXECUTE include READ, nothing else is implied', () => {
    expect(allows(grants, ['shop-dev'], { kind: 'application', name: 'shop', action: 'WRITE' })).toBe(true);
    expect(allows(grants, ['shop-dev'], { kind: 'application', name: 'shop', action: 'READ' })).toBe(true);
    expect(allows(grants, ['shop-dev'], { kind: 'application', name: 'shop', action: 'EXECUTE' })).toBe(false);
    expect(allows(grants, ['shop-dev'], { kind: 'application', name: 'other', action: 'READ' })).toBe(false);
    // An application grant says nothing about an account of the same name.
    expect(allows(grants, ['shop-ops'], { kind: 'account', name: 'shop', action: 'EXECUTE' })).toBe(false);
    expect(allows(grants, ['auditor'], { kind: 'application', name: 'anything', action: 'READ' })).toBe(true);
    expect(allows(grants, ['auditor'], { kind: 'application', name: 'anything', action: 'WRITE' })).toBe(false);
    expect(allows([], ['admin'], { kind: 'account', name: 'prod', action: 'EXECUTE' })).toBe(true);
    expect(allows(grants, [], { kind: 'application', name: 'shop', action: 'READ' })).toBe(false);
  });

  it('lists what is missing, worded for a 403', () => {
    const needed = permissionsToRun('shop', [{ refId: 'd', type: 'deploy', cluster: { account: 'local', application: 'shop' } }]);
    expect(missingPermissions(grants, ['shop-ops'], needed)).toEqual([]);
    expect(missingPermissions(grants, ['shop-dev'], needed).map(describePermission)).toEqual(['EXECUTE on application shop', 'EXECUTE on account local']);
  });

  it('finds every account and application a pipeline deploys to; an expression counts as any', () => {
    const stages = [
      { refId: 'b', type: 'bake', account: 'aws-prod' },
      { refId: 'r', type: 'rollbackCluster', credentials: 'k8s' },
      { refId: 'd', type: 'deploy', cluster: { account: 'local', application: 'billing' } },
      { refId: 's', type: 'deploy', clusters: [{ account: '${parameters.account}', application: 'shop' }] },
      { refId: 'w', type: 'wait' },
      'not a stage',
    ];
    expect(stageAccounts(stages)).toEqual([ANY, 'aws-prod', 'k8s', 'local']);
    expect(permissionsToRun('shop', stages).filter((p) => p.kind === 'application').map((p) => p.name)).toEqual(['shop', 'billing']);
    // A bake naming no account runs in whichever account of its cloud there is: it counts as any.
    expect(stageAccounts([{ refId: 'b', type: 'bake', package: 'deck' }])).toEqual([ANY]);
    // Only an ANY grant (or admin) satisfies an expression account.
    expect(allows(grants, ['shop-ops'], { kind: 'account', name: ANY, action: 'EXECUTE' })).toBe(false);
  });

  it('filters listings by what the roles may read', () => {
    expect(readable(grants, ['shop-dev', 'shop-ops'], 'application')).toEqual(new Set(['shop']));
    expect(readable(grants, ['auditor'], 'application')).toBe(ANY);
    expect(readable(grants, ['admin'], 'account')).toBe(ANY);
    expect(readable(grants, ['nobody'], 'application')).toEqual(new Set());
  });

  it('lets a user name a service account only when holding all its roles (Fiat)', () => {
    expect(mayRunAs(['shop-ops', 'shop-dev'], ['shop-ops'])).toBe(true);
    expect(mayRunAs(['shop-dev'], ['shop-ops'])).toBe(false);
    expect(mayRunAs(['admin'], ['anything'])).toBe(true);
  });

  it('reads whom an execution acts as from its trigger: a service account, the saver with its saved roles, or who started it', () => {
    expect(executionPrincipal({ type: 'webhook', runAsUser: 'deployer' })).toEqual({ kind: 'serviceAccount', name: 'deployer' });
    expect(executionPrincipal({ type: 'cron', runAsUser: 'ana', runAsRoles: ['shop-ops', 7] })).toEqual({ kind: 'recorded', name: 'ana', roles: ['shop-ops'] });
    expect(executionPrincipal({ type: 'manual', user: 'bo', userRoles: ['shop-dev'] })).toEqual({ kind: 'recorded', name: 'bo', roles: ['shop-dev'] });
    // A trigger recorded before roles were (or with authentication off): the name, and no roles.
    expect(executionPrincipal({ type: 'manual', user: 'anonymous' })).toEqual({ kind: 'recorded', name: 'anonymous', roles: [] });
    expect(executionPrincipal({ type: 'manual' })).toBeUndefined();
  });

  it("an automatic trigger without runAsUser records the saver's roles; one with it records only the service account", () => {
    const candidate = { pipelineId: 'p', application: 'shop', name: 'n', version: 1, definition: {}, savedBy: 'ana', savedByRoles: ['shop-ops'] };
    expect(runAsOf(candidate, {})).toEqual({ runAsUser: 'ana', runAsRoles: ['shop-ops'] });
    expect(runAsOf(candidate, { runAsUser: 'deployer' })).toEqual({ runAsUser: 'deployer' });
  });

  it("a request body cannot set an execution's identity; a child pipeline inherits its parent's", () => {
    const sent = { type: 'manual', user: 'root', userRoles: ['admin'], runAsUser: 'deployer', runAsRoles: ['admin'], onBehalfOf: 'x', note: 'kept' };
    expect(withoutTriggerIdentity(sent)).toEqual({ type: 'manual', note: 'kept' });
    expect(triggerIdentity(sent)).toEqual({ user: 'root', userRoles: ['admin'], runAsUser: 'deployer', runAsRoles: ['admin'], onBehalfOf: 'x' });
  });

  it('re-checks a resolved deploy stage: EXECUTE on the application and on the account it resolved to', () => {
    const stage = { type: 'deploy', cluster: { account: 'local', application: 'shop' } };
    expect(missingPermissions(grants, ['shop-ops'], permissionsToRun('shop', [stage]))[0]).toBeUndefined();
    expect(missingPermissions(grants, ['shop-ops'], permissionsToRun('shop', [{ ...stage, cluster: { account: 'prod' } }]))[0]).toEqual({ kind: 'account', name: 'prod', action: 'EXECUTE' });
    expect(missingPermissions(grants, ['shop-dev'], permissionsToRun('shop', [stage]))[0]).toEqual({ kind: 'application', name: 'shop', action: 'EXECUTE' });
    expect(missingPermissions(grants, ['admin'], permissionsToRun('shop', [stage]))[0]).toBeUndefined();
  });
});

describe("a syncManifests stage naming a drift watch", () => {
  const watchAccounts = new Map([['web', 'k8s-prod']]);
  const sync = (watch: string) => ({ refId: 's', type: 'syncManifests', watch });

  it("needs EXECUTE on the watch's account to run, as a deploy to that account does", () => {
    expect(stageAccounts([sync('web')], watchAccounts)).toEqual(['k8s-prod']);
    expect(permissionsToRun('shop', [sync('web')], watchAccounts)).toEqual([
      { kind: 'application', name: 'shop', action: 'EXECUTE' },
      { kind: 'account', name: 'k8s-prod', action: 'EXECUTE' },
    ]);
  });

  it('counts a watch given by an expression as every account, and an unknown watch (or another stage type) as none', () => {
    expect(stageAccounts([sync('${parameters.watch}')], watchAccounts)).toEqual([ANY]);
    expect(stageAccounts([sync('nope')], watchAccounts)).toEqual([]);
    expect(stageAccounts([{ refId: 'w', type: 'wait', watch: 'web' }], watchAccounts)).toEqual([]);
    expect(stageAccounts([{ ...sync('web'), account: 'k8s-staging' }], watchAccounts)).toEqual(['k8s-prod', 'k8s-staging']);
  });
});
