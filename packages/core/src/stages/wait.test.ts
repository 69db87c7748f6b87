import { describe, expect, it } from 'vitest';
import { check } from './testSupport';
import { waitStage } from './wait';

describe('wait stage', () => {
  it('plans one wait task and keeps its fields', () => {
    expect(check(waitStage, { waitTime: 30, skipWaitText: 'Skip it' })).toEqual({
      ok: true,
      data: { waitTime: 30, skipWaitText: 'Skip it' },
      tasks: ['wait'],
    });
  });

  it('accepts an expression or numeric text for waitTime', () => {
    expect(check(waitStage, { waitTime: '${parameters.delay}' })).toMatchObject({ ok: true, data: { waitTime: '${parameters.delay}' } });
    expect(check(waitStage, { waitTime: '45' })).toMatchObject({ ok: true, data: { waitTime: 45 } });
  });

  it('requires a non-negative waitTime', () => {
    expect(check(waitStage, {})).toMatchObject({ ok: false, issues: [{ path: ['waitTime'] }] });
    expect(check(waitStage, { waitTime: -1 })).toEqual({
      ok: false,
      issues: [{ path: ['waitTime'], message: 'Too small: expected number to be >=0' }],
    });
  });

  it('keeps unknown keys', () => {
    expect(check(waitStage, { waitTime: 1, comments: 'hi' })).toMatchObject({ ok: true, data: { comments: 'hi' } });
  });
});
