import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FAILURE_POLICY,
  finalExecutionStatus,
  haltsExecutionNow,
  isExecutionFinished,
  stageStatusAfter,
  stagesToReset,
  startableStages,
  type ScheduledStage,
} from './scheduling';

const stage = (refId: string, status: ScheduledStage['status'], requisiteStageRefIds: string[] = []): ScheduledStage => ({
  refId,
  status,
  requisiteStageRefIds,
});

describe('startableStages', () => {
  it('starts roots first, then a join only when every branch let it run', () => {
    const dag = [stage('a', 'NOT_STARTED'), stage('b', 'NOT_STARTED'), stage('join', 'NOT_STARTED', ['a', 'b'])];
    expect(startableStages(dag).map((s) => s.refId)).toEqual(['a', 'b']);
    expect(startableStages([stage('a', 'SUCCEEDED'), stage('b', 'RUNNING'), dag[2]!]).map((s) => s.refId)).toEqual([]);
    expect(startableStages([stage('a', 'SUCCEEDED'), stage('b', 'FAILED_CONTINUE'), dag[2]!]).map((s) => s.refId)).toEqual([
      'join',
    ]);
    expect(startableStages([stage('a', 'SKIPPED'), stage('b', 'STOPPED'), dag[2]!])).toEqual([]);
  });
});

describe('failure policies', () => {
  it('maps a TERMINAL task to the stage status each policy asks for', () => {
    expect(stageStatusAfter('TERMINAL', DEFAULT_FAILURE_POLICY)).toBe('TERMINAL');
    expect(stageStatusAfter('TERMINAL', { ...DEFAULT_FAILURE_POLICY, failPipeline: false, continuePipeline: true })).toBe(
      'FAILED_CONTINUE',
    );
    expect(stageStatusAfter('TERMINAL', { ...DEFAULT_FAILURE_POLICY, failPipeline: false })).toBe('STOPPED');
    expect(stageStatusAfter('TERMINAL', { ...DEFAULT_FAILURE_POLICY, completeOtherBranchesThenFail: true })).toBe('TERMINAL');
    expect(stageStatusAfter('SUCCEEDED', DEFAULT_FAILURE_POLICY)).toBe('SUCCEEDED');
  });

  it('halts at once only when the other branches are not to complete', () => {
    expect(haltsExecutionNow('TERMINAL', DEFAULT_FAILURE_POLICY)).toBe(true);
    expect(haltsExecutionNow('TERMINAL', { ...DEFAULT_FAILURE_POLICY, completeOtherBranchesThenFail: true })).toBe(false);
    expect(haltsExecutionNow('STOPPED', DEFAULT_FAILURE_POLICY)).toBe(false);
  });
});

describe('execution completion', () => {
  it('is finished when nothing runs and nothing can start', () => {
    expect(isExecutionFinished([stage('a', 'SUCCEEDED'), stage('b', 'NOT_STARTED', ['a'])])).toBe(false);
    expect(isExecutionFinished([stage('a', 'STOPPED'), stage('b', 'NOT_STARTED', ['a'])])).toBe(true);
    expect(isExecutionFinished([stage('a', 'PAUSED')])).toBe(false);
  });

  it('derives the final status', () => {
    expect(finalExecutionStatus([stage('a', 'SUCCEEDED'), stage('b', 'FAILED_CONTINUE')], false)).toBe('SUCCEEDED');
    expect(finalExecutionStatus([stage('a', 'STOPPED'), stage('b', 'NOT_STARTED', ['a'])], false)).toBe('SUCCEEDED');
    expect(finalExecutionStatus([stage('a', 'TERMINAL'), stage('b', 'SUCCEEDED')], false)).toBe('TERMINAL');
    expect(finalExecutionStatus([stage('a', 'SUCCEEDED')], true)).toBe('CANCELED');
  });
});

describe('stagesToReset', () => {
  it('resets the stage, everything downstream and branches the failure canceled', () => {
    const dag = [
      stage('a', 'SUCCEEDED'),
      stage('b', 'TERMINAL', ['a']),
      stage('c', 'CANCELED', ['a']),
      stage('d', 'NOT_STARTED', ['b', 'c']),
      stage('e', 'SUCCEEDED', ['a']),
    ];
    expect(stagesToReset(dag, 'b').sort()).toEqual(['b', 'c', 'd']);
  });
});
