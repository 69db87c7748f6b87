import { z } from 'zod';
import { artifactsIn, type Artifact } from '../artifacts';
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
  pubsubSystem: z
    .enum(PUBSUB_SYSTEMS, { error: 'only Google Pub/Sub push subscriptions can trigger pipelines here ("google"); Amazon SNS/SQS is not supported' })
    .default('google'),
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

/** The data's JSON; its text when it is not JSON, or holds keys that would reach a prototype (kept inert as text). */
function parseData(text: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
        throw new SyntaxError(`the key "${key}" is not allowed`);
      }
      return value;
    });
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
      artifacts: messageArtifacts(message),
    },
    parameters,
  };
}

/**
 * The artifacts a message brings. Echo translates each subscription's messages with a configured
 * format; Gantry recognises the formats by their shape: a payload's own `artifacts` list (CUSTOM),
 * a Cloud Storage notification (attributes bucketId and objectId: a `gcs/object`), a Container
 * Registry notification (`{action: "INSERT", digest, tag}`: a `docker/image`, by digest as
 * Spinnaker's artifact format names images), a Cloud Build notification (the images it pushed).
 */
export function messageArtifacts(message: Pick<PubsubMessage, 'payload' | 'attributes'>): Artifact[] {
  const payload = isPlainObject(message.payload) ? message.payload : {};
  if (Array.isArray(payload.artifacts)) return artifactsIn(payload.artifacts);
  const { bucketId, objectId, objectGeneration } = message.attributes;
  if (bucketId !== undefined && objectId !== undefined) {
    const object = `gs://${bucketId}/${objectId}`;
    return [{ type: 'gcs/object', name: object, reference: object, ...(objectGeneration === undefined ? {} : { version: objectGeneration }) }];
  }
  // Cloud Build's build resource (attributes buildId and status): the images it pushed, by digest.
  // The objects it uploads are named by glob patterns there, which only its manifest file resolves.
  if (message.attributes.buildId !== undefined) {
    const results = isPlainObject(payload.results) && Array.isArray(payload.results.images) ? payload.results.images : [];
    return results.flatMap((image: unknown): Artifact[] => {
      if (!isPlainObject(image) || typeof image.name !== 'string' || typeof image.digest !== 'string') return [];
      const [name] = splitAt(image.name, ':');
      const base = name ?? image.name;
      return [{ type: 'docker/image', name: base, version: image.digest, reference: `${base}@${image.digest}` }];
    });
  }
  if (payload.action === 'INSERT') {
    const digest = typeof payload.digest === 'string' ? payload.digest : undefined;
    const tag = typeof payload.tag === 'string' ? payload.tag : undefined;
    const [image, version] = digest !== undefined ? splitAt(digest, '@') : tag !== undefined ? splitAt(tag, ':') : [undefined, undefined];
    if (image !== undefined && version !== undefined) return [{ type: 'docker/image', name: image, version, reference: digest ?? tag }];
  }
  return [];
}

/** `gcr.io/p/app@sha256:ab` at `@` → [`gcr.io/p/app`, `sha256:ab`]; the last separator, so a registry port stays in the name. */
function splitAt(text: string, separator: string): [string, string] | [undefined, undefined] {
  const at = text.lastIndexOf(separator);
  return at <= 0 || at === text.length - 1 || text.slice(at).includes('/') ? [undefined, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function constraintMismatches(what: string, constraints: Record<string, string> | undefined, values: unknown): string[] {
  return Object.entries(constraints ?? {}).flatMap(([path, pattern]) => {
    const value = readPayloadPath(values, path);
    if (value === undefined || value === null) return [`the ${what} has no "${path}"`];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return [`${what} "${path}" is not a single value`];
    return matchesWhole(pattern, String(value)) ? [] : [`${what} "${path}" is ${JSON.stringify(String(value))}, which does not match /${pattern}/`];
  });
}
