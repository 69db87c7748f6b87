import { z } from 'zod';
import { isPlainObject } from '../celValues';
import type { ValidationIssue } from '../errors';
import { toValidationIssues } from '../zodIssues';
import { cronTriggerIssues, cronTriggerSchema } from './cron';
import { dockerTriggerIssues, dockerTriggerSchema } from './docker';
import { gitTriggerIssues, gitTriggerSchema } from './git';
import { jenkinsTriggerSchema } from './jenkins';
import { payloadConstraintIssues } from './payloadConstraints';
import { pipelineTriggerSchema } from './pipelineCompletion';
import { pubsubTriggerIssues, pubsubTriggerSchema } from './pubsub';
import { webhookTriggerSchema } from './webhook';

/** `{type: "manual"}`: documents that people start the pipeline (the API's trigger endpoint always works). */
export const manualTriggerSchema = z.looseObject({ type: z.literal('manual'), enabled: z.boolean().default(true) });

/** Each trigger kind: its schema, and the checks a schema cannot express (paths relative to the trigger). */
const TRIGGER_KINDS = {
  manual: { schema: manualTriggerSchema, issues: (): ValidationIssue[] => [] },
  jenkins: { schema: jenkinsTriggerSchema, issues: (): ValidationIssue[] => [] },
  webhook: {
    schema: webhookTriggerSchema,
    issues: (trigger: Record<string, unknown>): ValidationIssue[] =>
      payloadConstraintIssues(trigger.payloadConstraints).map((issue) => ({
        ...issue,
        path: ['payloadConstraints', ...issue.path],
      })),
  },
  cron: { schema: cronTriggerSchema, issues: cronTriggerIssues },
  pipeline: { schema: pipelineTriggerSchema, issues: (): ValidationIssue[] => [] },
  git: { schema: gitTriggerSchema, issues: gitTriggerIssues },
  docker: { schema: dockerTriggerSchema, issues: dockerTriggerIssues },
  pubsub: { schema: pubsubTriggerSchema, issues: pubsubTriggerIssues },
} as const;

export type TriggerKind = keyof typeof TRIGGER_KINDS;
export const TRIGGER_KIND_NAMES = Object.keys(TRIGGER_KINDS) as TriggerKind[];

export type ManualTrigger = z.output<typeof manualTriggerSchema>;
/** A trigger as stored: its kind's fields (defaults are applied when it is matched, not here) and any extra keys. */
export type TriggerDefinition = { [K in TriggerKind]: z.output<(typeof TRIGGER_KINDS)[K]['schema']> }[TriggerKind];
export type TriggerOfKind<K extends TriggerKind> = Extract<TriggerDefinition, { type: K }>;

// Also runs when the base shape failed, so one save reports every problem of a trigger.
const ALWAYS = { when: () => true } as const;

/**
 * A pipeline's trigger, typed by `type`. An unknown type is reported at `type`; every problem of
 * a known type is reported at its own field. Unknown keys are kept.
 */
export const triggerDefinitionSchema = z
  .looseObject({
    type: z.string().min(1).describe(`One of ${TRIGGER_KIND_NAMES.join(', ')}`),
    enabled: z.boolean().default(true),
  })
  .superRefine((value: unknown, ctx) => {
    for (const issue of triggerIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }, ALWAYS)
  .transform((trigger): TriggerDefinition => {
    const kind = kindOf(trigger.type);
    const parsed = kind === undefined ? undefined : TRIGGER_KINDS[kind].schema.safeParse(trigger);
    // Unreachable when the refinement passed; keeps the transform total without a cast.
    if (parsed === undefined || !parsed.success) throw new Error(`trigger of type "${trigger.type}" escaped validation`);
    return parsed.data;
  });

function triggerIssues(trigger: unknown): ValidationIssue[] {
  if (!isPlainObject(trigger) || typeof trigger.type !== 'string' || trigger.type === '') return []; // the base shape reports it
  const kind = kindOf(trigger.type);
  if (kind === undefined) {
    return [{ path: ['type'], message: `unknown trigger type "${trigger.type}" (known types: ${TRIGGER_KIND_NAMES.join(', ')})` }];
  }
  const { schema, issues } = TRIGGER_KINDS[kind];
  const parsed = schema.safeParse(trigger);
  // `enabled` is the base shape's to report; the kind's schema would say it a second time.
  const kindIssues = parsed.success ? [] : toValidationIssues(parsed.error.issues).filter((issue) => issue.path[0] !== 'enabled');
  return [...kindIssues, ...issues(trigger)];
}

function kindOf(type: string): TriggerKind | undefined {
  return Object.hasOwn(TRIGGER_KINDS, type) ? (type as TriggerKind) : undefined;
}

/** Whether a stored definition has a cron trigger (enabled or not): its schedules need syncing on save. */
export function hasCronTriggers(definition: unknown): boolean {
  const triggers = isPlainObject(definition) ? definition.triggers : undefined;
  return Array.isArray(triggers) && triggers.some((trigger: unknown) => isPlainObject(trigger) && trigger.type === 'cron');
}
