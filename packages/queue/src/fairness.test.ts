import { describe, expect, it } from 'vitest';
import { FAN_OUT_WITHOUT_PRIORITY, fanOutPriorities, fanOutPriority } from './fairness';
import type { OutgoingMessage } from './messages';

const startStages = (executionId: string, count: number): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({ message: { type: 'StartStage', executionId, stageId: `s${i}` } }));

describe('fanOutPriorities', () => {
  it('leaves single messages and small fan-outs unprioritised', () => {
    expect(fanOutPriorities(startStages('e', 1))).toEqual([undefined]);
    expect(fanOutPriorities(startStages('e', FAN_OUT_WITHOUT_PRIORITY))).toEqual(Array(FAN_OUT_WITHOUT_PRIORITY).fill(undefined));
  });

  it('queues a big fan-out at a priority equal to its size, counted per execution', () => {
    const priorities = fanOutPriorities([...startStages('big', 500), ...startStages('small', 2), { message: { type: 'SyncCronTriggers', pipelineId: 'p' } }]);
    expect(priorities.slice(0, 500)).toEqual(Array(500).fill(500));
    expect(priorities.slice(500)).toEqual([undefined, undefined, undefined]);
  });

  it('never exceeds the lowest priority BullMQ accepts', () => {
    expect(fanOutPriority(2 ** 21 + 5)).toBe(2 ** 21);
  });
});
