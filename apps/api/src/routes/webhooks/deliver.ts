import type { PipelineDecision, TriggerKind } from '@gantry/core';
import { TRIGGER_DUPLICATE, WebhookDeliveries, insertAudit, type JsonObject, type LaunchDecision } from '@gantry/store';
import { fireAndAnswer, redeliveryAnswer, type Answer, type TriggerEndpointDeps } from './answer';

/** One authenticated delivery to a trigger endpoint, ready to be decided on. */
export interface Delivery {
  kind: TriggerKind;
  /** Who the executions and audit events are attributed to: `webhook:github`, `git:gitlab`, `pubsub:google`. */
  actor: string;
  /** Where delivery ids are unique (a webhook source, a git host, a Pub/Sub system). */
  claimScope: string;
  /** The sender's id of this delivery (X-GitHub-Delivery, a Pub/Sub message id…): a redelivery of it starts nothing. */
  deliveryId: string | undefined;
  explain: boolean;
  /** A summary of the event for the audit trail. */
  event: JsonObject;
  decide: () => PipelineDecision[];
  /**
   * The launch key of a decision when the delivery has no id but its event does (a registry
   * event's id): the same event starts each pipeline once, whichever request carries it.
   */
  eventKey?: (decision: LaunchDecision) => string | undefined;
}

/**
 * The common path of every trigger endpoint after the sender is authenticated: a delivery id seen
 * before answers with the executions it started; otherwise every pipeline is decided on, what
 * matched is launched (idempotently: a retry racing the first request lands on the same
 * executions) and the delivery is recorded with its executions.
 */
export async function deliver(deps: TriggerEndpointDeps, delivery: Delivery): Promise<Answer> {
  const { deliveryId, actor } = delivery;
  const deliveries = new WebhookDeliveries(deps.pool);
  const claim = deliveryId === undefined ? undefined : await deliveries.claim(delivery.claimScope, deliveryId);
  if (claim?.state === 'seen' && deliveryId !== undefined) {
    for (const execution of claim.executions) {
      await insertAudit(deps.pool, {
        type: TRIGGER_DUPLICATE,
        pipelineId: execution.pipelineId,
        executionId: execution.id,
        actor,
        data: { trigger: delivery.kind, triggerIndex: null, matched: true, reason: 'redelivery', event: delivery.event },
      });
    }
    return redeliveryAnswer(deliveryId, claim.executions, delivery.explain);
  }
  const { answer, outcomes } = await fireAndAnswer(deps, delivery.decide(), {
    kind: delivery.kind,
    actor,
    event: delivery.event,
    // With a delivery id, the epoch ties retries of it together; without one, the event's own key if it has one.
    idempotencyKey: (decision) =>
      claim === undefined
        ? delivery.eventKey?.(decision)
        : `${actor}:${deliveryId}:${claim.epoch.getTime()}:${delivery.eventKey?.(decision) ?? decision.candidate.pipelineId}`,
    deliveryId,
    explain: delivery.explain,
  });
  if (claim !== undefined && deliveryId !== undefined) {
    const executionIds = outcomes.flatMap((outcome) => (outcome.executionId === undefined ? [] : [outcome.executionId]));
    await deliveries.complete(delivery.claimScope, deliveryId, claim.epoch, executionIds);
  }
  return answer;
}
