import { describe, expect, it } from 'vitest';
import { makeTaskContext } from './testContext';
import { MAX_WAIT_POLL_MS, waitTask } from './wait';

const startedAgo = (ms: number) => new Date(Date.now() - ms);

describe('wait task', () => {
  it('polls for the remaining time while the wait is not over', async () => {
    const ctx = makeTaskContext({ stage: { context: { waitTime: 30 } }, task: { startTime: startedAgo(10_000) } });
    const result = await waitTask.run(ctx);
    expect(result.status).toBe('RUNNING');
    if (result.status !== 'RUNNING') return;
    expect(result.retryAfterMs).toBeGreaterThan(19_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it('caps the poll so long waits re-check', async () => {
    const ctx = makeTaskContext({ stage: { context: { waitTime: 3600 } } });
    const result = await waitTask.run(ctx);
    expect(result).toEqual({ status: 'RUNNING', retryAfterMs: MAX_WAIT_POLL_MS });
  });

  it('succeeds once waitTime has passed since the task started', async () => {
    const ctx = makeTaskContext({ stage: { context: { waitTime: 5 } }, task: { startTime: startedAgo(5_001) } });
    expect(await waitTask.run(ctx)).toEqual({ status: 'SUCCEEDED' });
  });

  it('accepts fractional seconds and Spinnaker-style numeric strings', async () => {
    const fractional = makeTaskContext({ stage: { context: { waitTime: 0.5 } }, task: { startTime: startedAgo(600) } });
    expect((await waitTask.run(fractional)).status).toBe('SUCCEEDED');
    const asString = makeTaskContext({ stage: { context: { waitTime: '2' } }, task: { startTime: startedAgo(1_000) } });
    const result = await waitTask.run(asString);
    expect(result.status).toBe('RUNNING');
    if (result.status === 'RUNNING') expect(result.retryAfterMs).toBeLessThanOrEqual(1_000);
  });

  it('succeeds at once when the remaining wait was skipped', async () => {
    const ctx = makeTaskContext({ stage: { context: { waitTime: 3600, skipRemainingWait: true } } });
    expect(await waitTask.run(ctx)).toEqual({ status: 'SUCCEEDED' });
  });

  it('fails TERMINAL with the field named when waitTime is missing or negative', async () => {
    const missing = await waitTask.run(makeTaskContext({ stage: { context: {} } }));
    expect(missing.status).toBe('TERMINAL');
    if (missing.status === 'TERMINAL') expect(missing.error).toMatch(/waitTime/);
    const negative = await waitTask.run(makeTaskContext({ stage: { context: { waitTime: -1 } } }));
    expect(negative.status).toBe('TERMINAL');
  });
});
