import { describe, expect, it } from 'vitest';
import { abTestRoutingIssues } from '../stages/serverGroup/abTest';
import { cookieHeaderRegex, requestRuleSchema, routeRequest, stickyBucket, stickyPercentageSchema } from './requestRules';
import { routingIssues } from './routers';
import { compileRe2 } from '../re2';

const rule = (input: unknown) => requestRuleSchema.parse(input);
const get = (path: string, headers: Record<string, string | string[]> = {}) => ({ path, headers });

describe('routeRequest', () => {
  const rules = [rule({ header: { name: 'X-Variant', equals: 'b' } })];

  it('sends a request whose header equals the value (any name case) to the variant, the rest to the control', () => {
    expect(routeRequest({ rules }, get('/', { 'x-variant': 'b' }))).toBe('variant');
    expect(routeRequest({ rules }, get('/', { 'X-VARIANT': ['a', 'b'] }))).toBe('variant');
    expect(routeRequest({ rules }, get('/', { 'x-variant': 'B' }))).toBe('control');
    expect(routeRequest({ rules }, get('/'))).toBe('control');
  });

  it('ANDs the conditions of a rule and ORs the rules; regexes match the whole value', () => {
    const both = [rule({ header: { name: 'user-agent', regex: '.*Firefox/1[0-9]{2}.*' }, pathPrefix: '/beta' }), rule({ cookie: { name: 'group', equals: 'insider' } })];
    expect(routeRequest({ rules: both }, get('/beta/x', { 'user-agent': 'Mozilla Firefox/128.0' }))).toBe('variant');
    expect(routeRequest({ rules: both }, get('/betamax', { 'user-agent': 'Mozilla Firefox/128.0' }))).toBe('control');
    expect(routeRequest({ rules: both }, get('/beta', { 'user-agent': 'Chrome' }))).toBe('control');
    expect(routeRequest({ rules: both }, get('/', { cookie: 'a=1; group=insider; b=2' }))).toBe('variant');
    expect(routeRequest({ rules: both }, get('/', { cookie: 'xgroup=insider' }))).toBe('control');
    expect(routeRequest({ rules: [rule({ header: { name: 'x', regex: 'b' } })] }, get('/', { x: 'abc' }))).toBe('control');
  });

  it('keeps a user on one side with a sticky percentage, close to the share over many users', () => {
    const percentage = stickyPercentageSchema.parse({ percent: 20, cookie: 'uid' });
    const sides = Array.from({ length: 5000 }, (_, user) => routeRequest({ rules: [], percentage }, get('/', { cookie: `uid=u${user}` })));
    const share = sides.filter((side) => side === 'variant').length / sides.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    expect(routeRequest({ rules: [], percentage }, get('/', { cookie: 'uid=u7' }))).toBe(sides[7]);
    expect(routeRequest({ rules: [], percentage }, get('/'))).toBe('control');
    expect(stickyBucket('u7')).toBe(stickyBucket('u7'));
  });

  it('translates a cookie to a whole-header regex that finds it anywhere and nowhere else', () => {
    const regex = compileRe2(`^(?:${cookieHeaderRegex({ name: 'group', equals: 'a.b' })})$`);
    expect(['group=a.b', 'x=1; group=a.b', 'group=a.b;y=2'].map((header) => regex.test(header))).toEqual([true, true, true]);
    expect(['group=axb', 'xgroup=a.b', 'group=a.bc'].map((header) => regex.test(header))).toEqual([false, false, false]);
  });

  it('refuses rules that cannot be read, naming the field', () => {
    expect(requestRuleSchema.safeParse({}).error?.issues[0]?.message).toContain('at least one');
    expect(requestRuleSchema.safeParse({ header: { name: 'x', equals: 'a', regex: 'a' } }).success).toBe(false);
    expect(requestRuleSchema.safeParse({ header: { name: 'x', regex: '(a' } }).error?.issues[0]?.path).toEqual(['header', 'regex']);
    expect(requestRuleSchema.safeParse({ header: { name: 'bad name', equals: 'a' } }).error?.issues[0]?.path).toEqual(['header', 'name']);
  });
});

describe('routers', () => {
  const rules = [rule({ header: { name: 'x', regex: 'b.*' } }), rule({ pathPrefix: '/beta' })];

  it('names each field a router cannot carry', () => {
    expect(routingIssues('localProxy', rules, { percent: 5, cookie: 'uid' })).toEqual([]);
    expect(routingIssues('istio', rules, undefined)).toEqual([]);
    expect(routingIssues('gatewayHttpRoute', [], { percent: 5, cookie: 'uid' }).map((issue) => issue.path)).toEqual([['percentage']]);
    const smi = routingIssues('smi', rules, undefined);
    expect(smi.map((issue) => issue.path)).toEqual([['rules', 0, 'header'], ['rules', 1, 'pathPrefix']]);
    expect(smi[0]?.message).toContain('TrafficSplit carries weights only');
  });

  it('finds the abTest stages of a pipeline whose router cannot carry them', () => {
    const stage = {
      refId: '1', type: 'abTest', account: 'mesh', cluster: 'shop-web', control: 'shop-web-v001', variant: 'shop-web-v002',
      rules: [{ header: { name: 'X-Variant', equals: 'b' } }], durationSec: 60,
      metricSource: { type: 'localProxy' }, canaryConfig: { thresholds: { marginal: 50, pass: 75 }, metrics: [{ name: 'errorRate', query: 'errorRate', direction: 'increase' }] },
    };
    const routers = { mesh: 'smi', gw: 'gatewayHttpRoute' } as const;
    const routerOf = (account: string) => routers[account as keyof typeof routers];
    expect(abTestRoutingIssues([{ type: 'wait' }, stage], routerOf).map((issue) => issue.path)).toEqual([['stages', 1, 'rules', 0, 'header']]);
    expect(abTestRoutingIssues([{ ...stage, account: 'gw' }], routerOf)).toEqual([]);
    expect(abTestRoutingIssues([{ ...stage, account: 'unknown' }], routerOf)).toEqual([]);
  });
});
