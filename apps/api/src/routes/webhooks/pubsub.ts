import { ValidationError, decideForPipeline, matchPubsubTrigger, readPubsubPush, type SecretResolver } from '@gantry/core';
import { selectTriggerCandidates } from '@gantry/store';
import type { Answer, TriggerEndpointDeps } from './answer';
import { deliver } from './deliver';
import { unstorableText } from '../../validation/storableText';
import { parsePayload } from './rawBody';
import { checkSenderToken, type TokenSender } from './senderToken';

export interface PubsubPushRequest {
  system: 'google';
  raw: Buffer;
  contentType: string | undefined;
  explain: boolean;
  sender: TokenSender;
}

const pubsubTokenSecret = (system: string) => `pubsub-${system}`;

/**
 * One message from a Pub/Sub push subscription. Pub/Sub delivers at least once: the message id is
 * the delivery id, so a redelivered message starts nothing new. Any 2xx acknowledges the message.
 */
export async function handlePubsubPush(deps: TriggerEndpointDeps & { secrets: SecretResolver }, request: PubsubPushRequest): Promise<Answer> {
  const { system, sender } = request;
  const actor = `pubsub:${system}`;
  if (!('authorize' in sender) && !sender.open) {
    checkSenderToken(`Pub/Sub ${system}`, pubsubTokenSecret(system), sender.token, deps.secrets(pubsubTokenSecret(system)));
  }
  const reading = readPubsubPush(parsePayload(request.raw, request.contentType));
  if ('invalid' in reading) throw new ValidationError(reading.invalid.message, [reading.invalid]);
  const { message } = reading;
  // The decoded data is stored with the executions it starts, like any request body.
  const issues = unstorableText({ data: message.payload, attributes: message.attributes }, ['message']);
  if (issues.length > 0) throw new ValidationError('the message holds text that cannot be stored', issues);
  const candidates = await selectTriggerCandidates(deps.pool, { type: 'pubsub' });
  const decisions = candidates.flatMap((candidate) => decideForPipeline(candidate, 'pubsub', (trigger) => matchPubsubTrigger(trigger, message, actor)) ?? []);
  if ('authorize' in sender) await sender.authorize([...new Set(decisions.map((decision) => decision.candidate.application))]);
  return deliver(deps, {
    kind: 'pubsub',
    actor,
    claimScope: actor,
    deliveryId: message.messageId,
    explain: request.explain,
    event: { subscription: message.subscription, messageId: message.messageId ?? null },
    decide: () => decisions,
  });
}
