import { z } from 'zod';
import { APPLICATION_NAME, APPLICATION_NAME_RULE } from '../naming';
import type { Status } from '../status';
import { IRRELEVANT, miss, type TriggerMatch } from './match';

/** How a finished upstream execution ended, in a pipeline trigger's words. */
export const COMPLETION_STATUSES = ['succeeded', 'failed', 'canceled'] as const;
export type CompletionStatus = (typeof COMPLETION_STATUSES)[number];

/** Spinnaker writes "successful"; pasted pipelines keep working. */
const STATUS_ALIASES: Record<string, CompletionStatus> = { successful: 'succeeded', cancelled: 'canceled' };

// A chain A → B → A … would otherwise run forever; Spinnaker leaves that to its users, Gantry stops it.
export const MAX_PIPELINE_TRIGGER_DEPTH = 20;

/**
 * `{type: "pipeline", application, pipeline (id or name), status?: ["succeeded", "failed", "canceled"]}`:
 * starts this pipeline when that one ends in a listed status (default: succeeded).
 */
export const pipelineTriggerSchema = z.looseObject({
  type: z.literal('pipeline'),
  enabled: z.boolean().default(true),
  application: z.string().regex(APPLICATION_NAME, { message: `expected an application name (${APPLICATION_NAME_RULE})` }),
  pipeline: z.string().min(1),
  status: z.array(z.enum([...COMPLETION_STATUSES, 'successful', 'cancelled'])).min(1).optional(),
});

export type PipelineTrigger = z.output<typeof pipelineTriggerSchema>;

/** The upstream execution that just ended. */
export interface FinishedExecution {
  id: string;
  application: string;
  pipelineId: string;
  /** The upstream pipeline's name now (a trigger may name it) … */
  pipelineName: string;
  /** … and the name it had when this execution started. */
  name: string;
  status: Status;
  trigger: Record<string, unknown>;
}

export function completionStatusOf(status: Status): CompletionStatus {
  if (status === 'SUCCEEDED') return 'succeeded';
  if (status === 'CANCELED') return 'canceled';
  return 'failed';
}

export function matchPipelineTrigger(trigger: PipelineTrigger, upstream: FinishedExecution): TriggerMatch {
  if (trigger.application !== upstream.application) return IRRELEVANT;
  if (trigger.pipeline !== upstream.pipelineId && trigger.pipeline !== upstream.pipelineName) return IRRELEVANT;
  const ended = completionStatusOf(upstream.status);
  const wanted = (trigger.status ?? ['succeeded']).map((status) => STATUS_ALIASES[status] ?? status);
  if (!wanted.includes(ended)) return miss(`${upstream.application}/${upstream.pipelineName} ${ended}; the trigger fires on ${wanted.join(' or ')}`);
  const parentDepth = upstream.trigger.type === 'pipeline' ? upstream.trigger.depth : undefined;
  const depth = (typeof parentDepth === 'number' ? parentDepth : 0) + 1;
  if (depth > MAX_PIPELINE_TRIGGER_DEPTH) {
    return miss(`pipeline triggers have chained ${depth} executions in a row (a cycle?); stopping at ${MAX_PIPELINE_TRIGGER_DEPTH}`);
  }
  const user = upstream.trigger.user;
  return {
    result: 'match',
    trigger: {
      type: 'pipeline',
      user: typeof user === 'string' ? user : 'anonymous',
      parentExecution: {
        id: upstream.id,
        application: upstream.application,
        name: upstream.name,
        pipelineId: upstream.pipelineId,
        status: upstream.status,
      },
      parentPipelineId: upstream.pipelineId,
      parentPipelineName: upstream.pipelineName,
      parentPipelineApplication: upstream.application,
      parentStatus: ended,
      depth,
      parameters: {},
    },
    parameters: {},
  };
}
