import { describe, expect, it } from 'vitest';
import { makeTaskContext } from './testContext';
import { JUDGMENT_POLL_MS, waitForJudgmentTask } from './waitForJudgment';

describe('waitForJudgment task', () => {
  it('keeps waiting with a slow poll until someone judges', async () => {
    const ctx = makeTaskContext({ stage: { context: { instructions: 'Ship it?' } } });
    expect(await waitForJudgmentTask.run(ctx)).toEqual({ status: 'RUNNING', retryAfterMs: JUDGMENT_POLL_MS });
  });

  it('succeeds on "continue" and publishes the judgment', async () => {
    const ctx = makeTaskContext({
      stage: {
        context: {
          judgmentStatus: 'continue',
          judgmentInput: 'rollout',
          lastModifiedBy: 'bob',
          judgedAt: '2025-01-02T03:04:05.000Z',
        },
      },
    });
    expect(await waitForJudgmentTask.run(ctx)).toEqual({
      status: 'SUCCEEDED',
      outputs: {
        judgmentStatus: 'continue',
        judgmentInput: 'rollout',
        lastModifiedBy: 'bob',
        judgedAt: '2025-01-02T03:04:05.000Z',
      },
    });
  });

  it('stops the pipeline on "stop", naming who judged', async () => {
    const ctx = makeTaskContext({ stage: { context: { judgmentStatus: 'stop', lastModifiedBy: 'carol' } } });
    const result = await waitForJudgmentTask.run(ctx);
    expect(result).toEqual({
      status: 'TERMINAL',
      error: 'judged "stop" by carol',
      outputs: { judgmentStatus: 'stop', judgmentInput: null, lastModifiedBy: 'carol', judgedAt: null },
    });
  });

  it('fails clearly on a judgment it does not know', async () => {
    const result = await waitForJudgmentTask.run(makeTaskContext({ stage: { context: { judgmentStatus: 'maybe' } } }));
    expect(result.status).toBe('TERMINAL');
    if (result.status === 'TERMINAL') expect(result.error).toContain('"maybe"');
  });
});
