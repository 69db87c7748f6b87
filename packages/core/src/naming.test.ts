import { ValidationError } from '@gantry/core';
import { describe, expect, it } from 'vitest';
import { APPLICATION_NAME, clusterName, nextSequence, parseClusterName, parseServerGroupName, resourceNameProblem, serverGroupName } from './naming';

describe('clusterName (Frigga)', () => {
  it('joins application, stack and detail', () => {
    expect(clusterName('checkout')).toBe('checkout');
    expect(clusterName('checkout', 'prod')).toBe('checkout-prod');
    expect(clusterName('checkout', undefined, 'canary')).toBe('checkout--canary');
    expect(clusterName('checkout', '', 'canary')).toBe('checkout--canary');
    expect(clusterName('checkout', 'prod', 'canary')).toBe('checkout-prod-canary');
    expect(clusterName('checkout', 'prod', 'eu-west')).toBe('checkout-prod-eu-west');
  });

  it('rejects parts that would make an ambiguous or invalid name, naming the part', () => {
    expect(() => clusterName('Checkout')).toThrow(ValidationError);
    expect(() => clusterName('checkout', 'pr-od')).toThrow(/stack "pr-od"/);
    expect(() => clusterName('checkout', 'prod', 'Canary')).toThrow(/detail/);
    expect(() => clusterName('1app')).toThrow(/application/);
    // A valid application name, but Frigga would read `composition-app-prod` as application `composition`.
    expect(APPLICATION_NAME.test('composition-app')).toBe(true);
    expect(() => clusterName('composition-app', 'prod')).toThrow(/no "-"/);
  });

  it('keeps room for -vNNN within 63 characters', () => {
    const long = 'a'.repeat(59);
    expect(() => clusterName(long)).toThrow(/too long/);
    expect(clusterName('a'.repeat(58))).toHaveLength(58);
  });

  it('parses back', () => {
    expect(parseClusterName('checkout')).toEqual({ application: 'checkout' });
    expect(parseClusterName('checkout-prod')).toEqual({ application: 'checkout', stack: 'prod' });
    expect(parseClusterName('checkout--canary')).toEqual({ application: 'checkout', detail: 'canary' });
    expect(parseClusterName('checkout-prod-eu-west')).toEqual({ application: 'checkout', stack: 'prod', detail: 'eu-west' });
    expect(parseClusterName('checkout-')).toBeNull();
    expect(parseClusterName('checkout-prod-')).toBeNull();
    expect(parseClusterName('Checkout')).toBeNull();
  });
});

describe('server group names', () => {
  it('parses cluster and sequence', () => {
    expect(parseServerGroupName('checkout-prod-v007')).toEqual({ cluster: 'checkout-prod', sequence: 7 });
    expect(parseServerGroupName('checkout-v000')).toEqual({ cluster: 'checkout', sequence: 0 });
    expect(parseServerGroupName('checkout--canary-v999')).toEqual({ cluster: 'checkout--canary', sequence: 999 });
    expect(parseServerGroupName('checkout-prod-v7')).toBeNull();
    expect(parseServerGroupName('checkout-prod')).toBeNull();
    expect(parseServerGroupName('-v001')).toBeNull();
  });

  it('formats three digits and validates', () => {
    expect(serverGroupName('checkout-prod', 7)).toBe('checkout-prod-v007');
    expect(serverGroupName('checkout', 999)).toBe('checkout-v999');
    expect(() => serverGroupName('checkout', 1000)).toThrow(RangeError);
    expect(() => serverGroupName('checkout', -1)).toThrow(RangeError);
    expect(() => serverGroupName('Checkout', 1)).toThrow(/not a cluster name/);
    expect(() => serverGroupName('a'.repeat(59), 1)).toThrow(/at most 63/);
  });

  it('knows DNS-1123 label problems', () => {
    expect(resourceNameProblem('checkout-prod-v001')).toBeUndefined();
    expect(resourceNameProblem('Checkout')).toMatch(/lower-case/);
    expect(resourceNameProblem('checkout-')).toMatch(/end with/);
    expect(resourceNameProblem('1checkout')).toMatch(/start with a letter/);
    expect(resourceNameProblem('a'.repeat(64))).toMatch(/at most 63/);
    expect(resourceNameProblem('')).toMatch(/empty/);
  });
});

describe('nextSequence', () => {
  it('starts at 000 and goes one past the highest', () => {
    expect(nextSequence([])).toBe(0);
    expect(nextSequence([0])).toBe(1);
    expect(nextSequence([3, 7, 5])).toBe(8);
  });

  it('wraps from 999 to 000, skipping numbers still in use', () => {
    expect(nextSequence([999])).toBe(0);
    expect(nextSequence([998, 999, 0, 1])).toBe(2);
    expect(nextSequence([999, 0])).toBe(1);
  });

  it('refuses when every sequence is taken, and rejects impossible inputs', () => {
    expect(() => nextSequence(Array.from({ length: 1000 }, (_, i) => i))).toThrow(/all 1000/);
    expect(() => nextSequence([1000])).toThrow(RangeError);
    expect(() => nextSequence([1.5])).toThrow(RangeError);
  });
});
