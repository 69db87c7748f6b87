import type { PipelineDecision } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import { fireTriggers, type DeliveredExecution, type ExecutionRepository, type FireOptions, type TriggerOutcome } from '@gantry/store';
import type pg from 'pg';
import type { TriggerResponse } from './schemas';

export interface TriggerEndpointDeps {
  pool: pg.Pool;
  executions: ExecutionRepository;
  bus: MessageBus;
}

export interface Answer {
  statusCode: 200 | 202;
  body: TriggerResponse;
}

/**
 * Starts what the decisions say (messages sent once the launches committed) and answers with the
 * executions: 202 when something new started, 200 otherwise.
 */
export async function fireAndAnswer(
  deps: TriggerEndpointDeps,
  decisions: readonly PipelineDecision[],
  options: FireOptions & { deliveryId: string | undefined; explain: boolean },
): Promise<{ answer: Answer; outcomes: TriggerOutcome[] }> {
  const { outcomes, messages } = await fireTriggers(deps, decisions, options);
  await deps.bus.sendAll(messages.map((message) => ({ message })));
  const executions = outcomes.flatMap((outcome) =>
    outcome.executionId === undefined
      ? []
      : [
          {
            id: outcome.executionId,
            pipelineId: outcome.pipelineId,
            pipelineName: outcome.pipelineName,
            application: outcome.application,
            duplicate: outcome.outcome === 'duplicate',
          },
        ],
  );
  const body: TriggerResponse = {
    executions,
    duplicate: false,
    deliveryId: options.deliveryId ?? null,
    ...(options.explain ? { decisions: outcomes } : {}),
  };
  return { answer: { statusCode: outcomes.some((outcome) => outcome.outcome === 'started') ? 202 : 200, body }, outcomes };
}

/** A delivery id seen before: nothing starts, the first delivery's executions are the answer. */
export function redeliveryAnswer(deliveryId: string, executions: readonly DeliveredExecution[], explain: boolean): Answer {
  const refs = executions.map((execution) => ({ ...execution, duplicate: true }));
  const decisions = executions.map(
    (execution): TriggerOutcome => ({
      pipelineId: execution.pipelineId,
      application: execution.application,
      pipelineName: execution.pipelineName,
      triggerIndex: null,
      outcome: 'duplicate',
      reason: `delivery ${deliveryId} was handled before`,
      executionId: execution.id,
    }),
  );
  return { statusCode: 200, body: { executions: refs, duplicate: true, deliveryId, ...(explain ? { decisions } : {}) } };
}
