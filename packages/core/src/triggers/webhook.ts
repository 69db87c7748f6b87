import { z } from 'zod';
import { isPlainObject } from '../celValues';
import { IRRELEVANT, miss, type TriggerMatch } from './match';
import { payloadConstraintsSchema, payloadMismatch } from './payloadConstraints';

/** `POST /webhooks/<source>`; `jenkins` is taken by the Jenkins notification endpoint. */
export const WEBHOOK_SOURCE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
/** A secret is named, never written into a pipeline: the name maps to GANTRY_SECRET_<NAME> or the config file. */
export const SECRET_REF = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * `{type: "webhook", source, payloadConstraints?, secret?: {ref}}`. With a secret, only deliveries
 * signed with that secret (HMAC-SHA256 of the raw body) fire the trigger.
 */
export const webhookTriggerSchema = z.looseObject({
  type: z.literal('webhook'),
  enabled: z.boolean().default(true),
  source: z
    .string()
    .regex(WEBHOOK_SOURCE, { message: 'a source is letters, digits, ".", "_" and "-" (at most 100)' })
    .refine((source) => source !== 'jenkins', { message: '"jenkins" is the Jenkins endpoint: use a jenkins trigger' }),
  payloadConstraints: payloadConstraintsSchema.optional(),
  // Strict: a secret's value must never end up stored in a pipeline next to its ref.
  secret: z
    .strictObject({ ref: z.string().regex(SECRET_REF, { message: 'a secret ref is letters, digits, "_" and "-"' }) })
    .optional(),
});

export type WebhookTrigger = z.output<typeof webhookTriggerSchema>;

/** One delivery to `/webhooks/<source>`, after its signature was checked. */
export interface WebhookDelivery {
  source: string;
  payload: unknown;
  /** Who the executions are attributed to. */
  user: string;
  deliveryId: string | undefined;
  /** Refs of the secrets the delivery's signature verified with. */
  verifiedSecrets: ReadonlySet<string>;
}

export function matchWebhookTrigger(trigger: WebhookTrigger, delivery: WebhookDelivery): TriggerMatch {
  if (trigger.source !== delivery.source) return IRRELEVANT;
  if (trigger.secret !== undefined && !delivery.verifiedSecrets.has(trigger.secret.ref)) {
    return miss(`the delivery is not signed with the secret "${trigger.secret.ref}"`);
  }
  const mismatch = payloadMismatch(trigger.payloadConstraints, delivery.payload);
  if (mismatch !== undefined) return miss(mismatch);
  // Spinnaker's convention: a payload's `parameters` object supplies the execution's parameters.
  const parameters = isPlainObject(delivery.payload) && isPlainObject(delivery.payload.parameters) ? delivery.payload.parameters : {};
  return {
    result: 'match',
    trigger: {
      type: 'webhook',
      source: delivery.source,
      user: delivery.user,
      ...(delivery.deliveryId === undefined ? {} : { deliveryId: delivery.deliveryId }),
      payload: delivery.payload,
      parameters,
    },
    parameters,
  };
}
