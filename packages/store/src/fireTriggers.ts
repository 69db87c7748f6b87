import { DomainError, type PipelineDecision, type TriggerKind } from '@gantry/core';
import type { EngineMessage } from '@gantry/queue';
import type pg from 'pg';
import { insertAudit } from './executionRows';
import type { ExecutionRepository, JsonObject } from './types';

/** Audit event types of trigger decisions (each names its pipeline; started/duplicate also the execution). */
export const TRIGGER_STARTED = 'TRIGGER_STARTED';
export const TRIGGER_DUPLICATE = 'TRIGGER_DUPLICATE';
export const TRIGGER_SKIPPED = 'TRIGGER_SKIPPED';

export type LaunchDecision = Extract<PipelineDecision, { decision: 'launch' }>;

/** What an event did to one pipeline. */
export interface TriggerOutcome {
  pipelineId: string;
  application: string;
  pipelineName: string;
  triggerIndex: number | null;
  /** `duplicate`: this event had already started the execution (a redelivery, a repeated post, a retried tick). */
  outcome: 'started' | 'duplicate' | 'skipped';
  reason?: string;
  executionId?: string;
}

export interface FireOptions {
  kind: TriggerKind;
  /** Recorded as the audit events' actor. */
  actor: string;
  /** A summary of the event for the audit trail; payloads stay in the executions' triggers. */
  event: JsonObject;
  /** The launch idempotency key that makes this event start each pipeline at most once. */
  idempotencyKey(decision: LaunchDecision): string | undefined;
  parentExecutionId?: string;
}

/**
 * Carries out the decisions about one event: launches what should start (idempotently), records
 * every decision in the audit log, and hands back the messages that start the new executions (the
 * caller sends them, after these commits). A launch the store refuses (limitConcurrent, parameters,
 * a pipeline deleted meanwhile) is a skip with its reason, not an error.
 */
export async function fireTriggers(
  deps: { pool: pg.Pool; executions: ExecutionRepository },
  decisions: readonly PipelineDecision[],
  options: FireOptions,
): Promise<{ outcomes: TriggerOutcome[]; messages: EngineMessage[] }> {
  const outcomes: TriggerOutcome[] = [];
  const messages: EngineMessage[] = [];
  for (const decision of decisions) {
    const { candidate } = decision;
    const base = { pipelineId: candidate.pipelineId, application: candidate.application, pipelineName: candidate.name };
    let outcome: TriggerOutcome;
    if (decision.decision === 'skip') {
      outcome = { ...base, triggerIndex: decision.triggerIndex, outcome: 'skipped', reason: decision.reason };
    } else {
      const launched = await launch(deps.executions, decision, options);
      outcome = { ...base, triggerIndex: decision.triggerIndex, ...launched.result };
      messages.push(...launched.messages);
    }
    await insertAudit(deps.pool, {
      type: outcome.outcome === 'started' ? TRIGGER_STARTED : outcome.outcome === 'duplicate' ? TRIGGER_DUPLICATE : TRIGGER_SKIPPED,
      pipelineId: candidate.pipelineId,
      executionId: outcome.executionId ?? null,
      actor: options.actor,
      data: {
        trigger: options.kind,
        triggerIndex: outcome.triggerIndex,
        matched: decision.decision === 'launch',
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        event: options.event,
      },
    });
    outcomes.push(outcome);
  }
  return { outcomes, messages };
}

async function launch(
  executions: ExecutionRepository,
  decision: LaunchDecision,
  options: FireOptions,
): Promise<{ result: Pick<TriggerOutcome, 'outcome' | 'reason' | 'executionId'>; messages: EngineMessage[] }> {
  try {
    const launched = await executions.launch({
      pipelineId: decision.candidate.pipelineId,
      // The version the decision was made on, so the trigger that matched is the one that runs.
      version: decision.candidate.version,
      trigger: decision.trigger,
      parameters: decision.parameters,
      actor: options.actor,
      idempotencyKey: options.idempotencyKey(decision),
      parentExecutionId: options.parentExecutionId,
    });
    // launch() asks for a StartExecution only when it created the execution; none means the
    // idempotency key found the one this event started before.
    const outcome = launched.messages.length > 0 ? 'started' : 'duplicate';
    return { result: { outcome, executionId: launched.value.id }, messages: launched.messages };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { result: { outcome: 'skipped', reason: `trigger ${decision.triggerIndex} matched but ${error.message}` }, messages: [] };
  }
}
