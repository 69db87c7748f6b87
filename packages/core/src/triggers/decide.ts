import { z } from 'zod';
import { anyArtifactExpected, artifactsIn, expectedArtifactSchema } from '../artifacts';
import { isPlainObject } from '../celValues';
import { parameterDefinitionSchema } from '../pipeline';
import { triggerDefinitionSchema, type TriggerKind, type TriggerOfKind } from './definition';
import type { TriggerMatch } from './match';
import { triggerParameters } from './parameters';

/** A live pipeline at its latest version, as the trigger endpoints and handlers load it. */
export interface TriggerCandidate {
  pipelineId: string;
  application: string;
  name: string;
  version: number;
  definition: Record<string, unknown>;
  /** Who saved this version: whom its automatic triggers run as when a trigger names no runAsUser. */
  savedBy?: string | null;
  /** The saver's roles when it saved (recorded as the trigger's runAsRoles, re-checked before deploys). */
  savedByRoles?: readonly string[] | null;
}

/**
 * Whom an automatic trigger runs as (Spinnaker's runAsUser): the service account the trigger
 * names, else the principal who last saved the pipeline, with the roles it saved with (recorded
 * in the trigger; see TRIGGER_IDENTITY_KEYS).
 */
export function runAsOf(candidate: TriggerCandidate, trigger: Record<string, unknown>): { runAsUser: string; runAsRoles?: string[] } | Record<string, never> {
  if (typeof trigger.runAsUser === 'string' && trigger.runAsUser !== '') return { runAsUser: trigger.runAsUser };
  return typeof candidate.savedBy === 'string' ? { runAsUser: candidate.savedBy, runAsRoles: [...(candidate.savedByRoles ?? [])] } : {};
}

/** What one event means for one pipeline: start it (with which trigger), or not and why. */
export type PipelineDecision =
  | {
      candidate: TriggerCandidate;
      decision: 'launch';
      triggerIndex: number;
      trigger: Record<string, unknown>;
      parameters: Record<string, unknown>;
    }
  | {
      candidate: TriggerCandidate;
      decision: 'skip';
      /** The trigger that matched but could not start it (parameters), else null. */
      triggerIndex: number | null;
      reason: string;
    };

const parameterListSchema = z.array(parameterDefinitionSchema);

/**
 * Decides for one pipeline, given how each of its triggers of `kind` answers the event. The first
 * trigger that matches starts it (one execution per pipeline per event, however many triggers
 * match); the pipeline's `disabled: true` or a trigger's `enabled: false` turns a trigger down; the
 * event must supply what the pipeline's parameters require. Undefined when no trigger of the
 * pipeline listens for this event at all.
 */
export function decideForPipeline<K extends TriggerKind>(
  candidate: TriggerCandidate,
  kind: K,
  match: (trigger: TriggerOfKind<K>, index: number) => TriggerMatch,
): PipelineDecision | undefined {
  const triggers: unknown[] = Array.isArray(candidate.definition.triggers) ? candidate.definition.triggers : [];
  const reasons: string[] = [];
  for (const [index, raw] of triggers.entries()) {
    if (!isPlainObject(raw) || raw.type !== kind) continue;
    const parsed = triggerDefinitionSchema.safeParse(raw);
    if (!parsed.success) {
      reasons.push(`trigger ${index} is not a valid ${kind} trigger (${parsed.error.issues.map((issue) => issue.message).join('; ')})`);
      continue;
    }
    // The stored `type` is `kind` (checked above) and parsing keeps it, so this is the kind's shape.
    const trigger = parsed.data as TriggerOfKind<K>;
    const answer = match(trigger, index);
    if (answer.result === 'irrelevant') continue;
    if (candidate.definition.disabled === true) reasons.push(`trigger ${index}: the pipeline is disabled`);
    else if (!trigger.enabled) reasons.push(`trigger ${index} is disabled`);
    else if (answer.result === 'miss') reasons.push(`trigger ${index}: ${answer.reason}`);
    else if (!eventArtifactsExpected(candidate, raw, answer.trigger)) {
      reasons.push(`trigger ${index}: none of the event's artifacts is one of the trigger's expectedArtifactIds`);
    } else {
      const parameters = triggerParameters(parameterDefinitionsOf(candidate), answer.parameters);
      if (!parameters.ok) return { candidate, decision: 'skip', triggerIndex: index, reason: `trigger ${index} matched but ${parameters.reason}` };
      const runAs = runAsOf(candidate, raw);
      // Carried into the execution's trigger, where binding the pipeline's expected artifacts reads them.
      const required = expectedArtifactIdsOf(raw);
      const trigger = { ...answer.trigger, ...runAs, ...(required.length === 0 ? {} : { expectedArtifactIds: required }) };
      return { candidate, decision: 'launch', triggerIndex: index, trigger, parameters: parameters.parameters };
    }
  }
  return reasons.length === 0 ? undefined : { candidate, decision: 'skip', triggerIndex: null, reason: reasons.join('; ') };
}

function parameterDefinitionsOf(candidate: TriggerCandidate) {
  const parsed = parameterListSchema.safeParse(candidate.definition.parameters ?? []);
  return parsed.success ? parsed.data : [];
}

/** A trigger's `expectedArtifactIds`: the pipeline's expected artifacts it must bind to start. */
export function expectedArtifactIdsOf(trigger: Record<string, unknown>): string[] {
  const ids = trigger.expectedArtifactIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && id !== '') : [];
}

/**
 * Echo's check, for events that carry artifacts: a trigger with expectedArtifactIds fires only
 * when one of the event's artifacts is one it expects (binding proper happens at launch).
 */
function eventArtifactsExpected(candidate: TriggerCandidate, raw: Record<string, unknown>, trigger: Record<string, unknown>): boolean {
  const required = expectedArtifactIdsOf(raw);
  if (required.length === 0 || !Array.isArray(trigger.artifacts)) return true;
  const expected = z.array(expectedArtifactSchema).safeParse(candidate.definition.expectedArtifacts ?? []);
  return anyArtifactExpected(expected.success ? expected.data : [], required, artifactsIn(trigger.artifacts));
}
