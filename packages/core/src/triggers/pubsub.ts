import { z } from 'zod';
import { artifactsIn } from '../artifacts';
import { isPlainObject } from '../celValues';
import type { ValidationIssue } from '../errors';
import { IRRELEVANT, miss, type TriggerMatch } from './match';
import { matchesWhole, readPayloadPath } from './payloadConstraints';
import { re2Problem } from '../re2';

/** Pub/Sub systems a push subscription can deliver from; Spinnaker also knows `amazon` (SNS/SQS, pulled). */
export const PUBSUB_SYSTEMS = ['google'] as const;

/**
 * Spinnaker's constraint map: each key a field (dotted path) of the payload or attributes, each
 * value a regex the field's whole text must match (echo's ArtifactMatcher.isConstraintInPayload).
 */
const spinnakerConstraintsSchema = z.record(z.string().min(1), z.string());

/**
 * Spinnaker's `{type: "pubsub", pubsubSystem, subscriptionName, payloadConstraints?,
 * attributeConstraints?}`, fed by push subscriptions: `subscriptionName` is the subscription's
 * name (its last path segment, or the full `projects/<p>/subscriptions/<name>`).
 */
export const pubsubTriggerSchema = z.looseObject({
  type: z.literal('pubsub'),
  enabled: z.boolean().default(true),
  pubsubSystem: z.enum(PUBSUB_SYSTEMS).default('google'),
  subscriptionName: z.string().min(1),
  payloadConstraints: spinnakerConstraintsSchema.optional(),
  attributeConstraints: spinnakerConstraintsSchema.optional(),
  expectedArtifactIds: z.array(z.string()).optional(),
});

export type PubsubTrigger = z.output<typeof pubsubTriggerSchema>;

export function pubsubTriggerIssues(trigger: Record<string, unknown>): ValidationIssue[] {
  return (['payloadConstraints', 'attributeConstraints'] as const).flatMap((field) => {
    const constraints = trigger[field];
    if (!isPlainObject(constraints)) return [];
    return Object.entries(constraints).flatMap(([key, pattern]): ValidationIssue[] => {
      const problem = typeof pattern === 'string' ? re2Problem(pattern) : undefined;
      return problem === undefined ? [] : [{ path: [field, key], message: `invalid regex: ${problem}` }];
    });
  });
}

/** One message pushed by a subscription. */
export interface PubsubMessage {
  pubsubSystem: (typeof PUBSUB_SYSTEMS)[number];
  /** `projects/<project>/subscriptions/<name>`. */
  subscription: string;
  messageId: string | undefined;
  attributes: Record<string, string>;
  /** The message's data: its JSON when it is JSON, else its text. */
  payload: unknown;
}

export type PubsubPushReading = { message: PubsubMessage } | { invalid: { path: string[]; message: string } };

/**
 * Google Pub/Sub's push request: `{message: {data (base64), attributes, messageId|message_id,
 * publishTime}, subscription}`.
 */
export function readPubsubPush(body: unknown): PubsubPushReading {
  if (!isPlainObject(body) || !isPlainObject(body.message)) return { invalid: { path: ['message'], message: 'a Pub/Sub push has a message object' } };
  if (typeof body.subscription !== 'string' || body.subscription === '') {
    return { invalid: { path: ['subscription'], message: 'a Pub/Sub push names its subscription' } };
  }
  const { message } = body;
  const attributes = isPlainObject(message.attributes)
    ? Object.fromEntries(Object.entries(message.attributes).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])))
    : {};
  const data = typeof message.data === 'string' ? message.data : '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) return { invalid: { path: ['message', 'data'], message: 'data is not base64' } };
  const text = new TextDecoder().decode(Uint8Array.from(atob(data), (char) => char.charCodeAt(0)));
  const messageId = [message.messageId, message.message_id].find((id): id is string => typeof id === 'string' && id !== '');
  return { message: { pubsubSystem: 'google', subscription: body.subscription, messageId, attributes, payload: parseData(text) } };
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `projects/p/subscriptions/name` → `name`. */
export function subscriptionShortName(subscription: string): string {
  return subscription.slice(subscription.lastIndexOf('/') + 1);
}

/** Echo's PubsubEventHandler: same system and subscription (ignoring case), every constraint met. */
export function matchPubsubTrigger(trigger: PubsubTrigger, message: PubsubMessage, user: string): TriggerMatch {
  const wanted = trigger.subscriptionName.toLowerCase();
  if (trigger.pubsubSystem !== message.pubsubSystem) return IRRELEVANT;
  if (wanted !== message.subscription.toLowerCase() && wanted !== subscriptionShortName(message.subscription).toLowerCase()) return IRRELEVANT;
  const mismatch = [
    ...constraintMismatches('payload', trigger.payloadConstraints, message.payload),
    ...constraintMismatches('attribute', trigger.attributeConstraints, message.attributes),
  ];
  if (mismatch.length > 0) return miss(mismatch.join('; '));
  // Spinnaker's conventions: a payload's `parameters` are the execution's, its `artifacts` the trigger's.
  const payload = isPlainObject(message.payload) ? message.payload : {};
  const parameters = isPlainObject(payload.parameters) ? payload.parameters : {};
  return {
    result: 'match',
    trigger: {
      type: 'pubsub',
      pubsubSystem: message.pubsubSystem,
      subscriptionName: trigger.subscriptionName,
      ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
      user,
      payload: message.payload,
      attributes: message.attributes,
      parameters,
      artifacts: artifactsIn(payload.artifacts),
    },
    parameters,
  };
}

function constraintMismatches(what: string, constraints: Record<string, string> | undefined, values: unknown): string[] {
  return Object.entries(constraints ?? {}).flatMap(([path, pattern]) => {
    const value = readPayloadPath(values, path);
    if (value === undefined || value === null) return [`the ${what} has no "${path}"`];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return [`${what} "${path}" is not a single value`];
    return matchesWhole(pattern, String(value)) ? [] : [`${what} "${path}" is ${JSON.stringify(String(value))}, which does not match /${pattern}/`];
  });
}
