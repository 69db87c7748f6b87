/**
 * How one trigger of a pipeline relates to an incoming event (a build notification, a webhook
 * delivery, a cron tick, another pipeline ending). Each trigger kind answers with one of these;
 * `decideForPipeline` turns a pipeline's answers into one decision.
 */
export type TriggerMatch =
  /** The trigger listens for something else (another source, job or upstream pipeline). */
  | { result: 'irrelevant' }
  /** The trigger listens for this event but its conditions turn it down: a near miss, with why. */
  | { result: 'miss'; reason: string }
  /**
   * The trigger fires: `trigger` is the execution's `trigger` object (for `${trigger.…}`) and
   * `parameters` what the event supplies (only the pipeline's declared ones are used).
   */
  | { result: 'match'; trigger: Record<string, unknown>; parameters: Record<string, unknown> };

export const IRRELEVANT: TriggerMatch = { result: 'irrelevant' };

export function miss(reason: string): TriggerMatch {
  return { result: 'miss', reason };
}
