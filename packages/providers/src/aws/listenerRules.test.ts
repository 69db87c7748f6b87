import { describe, expect, it } from 'vitest';
import { abTargetGroupName, albRules } from './listenerRules';

describe('ALB listener rules of an A/B routing', () => {
  it('names the cluster\'s A/B target group within ALB\'s 32 characters', () => {
    expect(abTargetGroupName('shop-web')).toBe('shop-web-ab');
    const long = abTargetGroupName('a-very-long-application-name-prod');
    expect(long).toMatch(/^ab-[0-9a-f]{29}$/);
    expect(abTargetGroupName('a-very-long-application-name-prod')).toBe(long);
  });

  it('refuses what ALB wildcards cannot say exactly, naming the rule', () => {
    expect(albRules({ rules: [{ header: { name: 'X', regex: 'a|b' } }] })).toEqual({ problem: 'rules.0.header: ALB cannot match a header by regex' });
    expect(albRules({ rules: [{ header: { name: 'X', equals: 'a*' } }] })).toEqual({ problem: 'rules.0.header: ALB header values treat * and ? as wildcards' });
    expect(albRules({ rules: [{ pathPrefix: `/${'x'.repeat(130)}` }] })).toMatchObject({ problem: expect.stringMatching(/at most 128 characters/) });
  });

  it('gives a header-keyed sticky share to keyed requests only, in 0.1% steps', () => {
    expect(albRules({ rules: [], percentage: { percent: 0.04, header: 'X-User' } })).toEqual([
      { conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-User', Values: ['?*'] } }], sticky: { variantWeight: 1, controlWeight: 999 } },
    ]);
  });
});
