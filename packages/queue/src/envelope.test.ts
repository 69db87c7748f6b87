import { describe, expect, it, vi } from 'vitest';
import { createMessageBus } from './MessageBus';
import { startMessageConsumer } from './MessageConsumer';
import { MESSAGE_VERSION, seal, unseal } from './envelope';
import { openQueue } from './backend';
import type { EngineMessage } from './messages';
import { REDIS_URL } from '../../../test/support/services';
import { testQueuePrefix } from '../../../test/support/testDatabase';

const start: EngineMessage = { type: 'StartExecution', executionId: 'e1' };
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('message envelope', () => {
  it('reads a message written before versioning (version 1: no v, no trace) as it was', () => {
    expect(unseal(start)).toEqual({ kind: 'current', message: start, version: 1 });
  });

  it('writes the current version with the trace, and reads it back', () => {
    const sealed = seal(start, { traceparent });
    expect(sealed).toEqual({ ...start, v: MESSAGE_VERSION, trace: { traceparent } });
    expect(unseal(sealed)).toEqual({ kind: 'current', message: start, trace: { traceparent }, version: MESSAGE_VERSION });
  });

  it('keeps the version and trace an outbox row was recorded with when it is relayed', () => {
    const recorded = { ...start, v: MESSAGE_VERSION + 1, trace: { traceparent } };
    expect(seal(recorded, { traceparent: 'other' })).toEqual(recorded);
  });

  it('refuses a version newer than the reader understands', () => {
    expect(unseal(seal(start, undefined), 1)).toEqual({ kind: 'newer', version: MESSAGE_VERSION });
  });
});

describe('a rolling upgrade: old and new workers on one queue (Redis)', () => {
  it('the old worker leaves a new message for the new one, the new worker reads old messages; none is lost', async () => {
    const config = { kind: 'redis' as const, url: REDIS_URL, prefix: testQueuePrefix() };
    const bus = createMessageBus(config);
    const { queue, close: closeQueue } = openQueue(config);
    const seenByOld: string[] = [];
    const seenByNew: string[] = [];
    const refused: number[] = [];
    // The old worker reads only version 1; it starts first and alone.
    const old = startMessageConsumer(config, async (message) => void seenByOld.push(message.type === 'StartExecution' ? message.executionId : '?'), {
      understands: 1,
      onError: (error) => refused.push(error.name === 'NewerMessageVersionError' ? 1 : 0),
    });
    try {
      // A message of version 1, as a worker from before versioning wrote it, and one of the current version.
      await queue.add('StartExecution', { type: 'StartExecution', executionId: 'written-by-v1' });
      await bus.send({ type: 'StartExecution', executionId: 'written-by-v2' });
      await vi.waitFor(() => expect(seenByOld).toEqual(['written-by-v1']), { timeout: 10_000 });
      await vi.waitFor(() => expect(refused.length).toBeGreaterThan(0), { timeout: 10_000 });
      expect(refused.every((r) => r === 1)).toBe(true);
      // The new worker arrives (the old one stops later, as in a rolling upgrade) and takes what was left.
      const current = startMessageConsumer(config, async (message) => void seenByNew.push(message.type === 'StartExecution' ? message.executionId : '?'));
      try {
        await bus.send({ type: 'StartExecution', executionId: 'written-by-v2-later' });
        await queue.add('StartExecution', { type: 'StartExecution', executionId: 'written-by-v1-later' });
        await vi.waitFor(() => expect(new Set([...seenByOld, ...seenByNew])).toEqual(new Set(['written-by-v1', 'written-by-v1-later', 'written-by-v2', 'written-by-v2-later'])), { timeout: 20_000 });
        expect(seenByOld).not.toContain('written-by-v2');
        expect(seenByNew).toContain('written-by-v2');
      } finally {
        await current.close();
      }
    } finally {
      await old.close();
      await bus.close();
      await closeQueue();
    }
  }, 40_000);
});
