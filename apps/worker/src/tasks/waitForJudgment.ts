import { stepJudgmentsOf } from '@gantry/core';
import { z } from 'zod';
import type { JsonObject } from '@gantry/store';
import { defineTask, type TaskContext } from './Task';
import { readFields } from './readFields';

/** The API nudges the task the moment someone judges, so this slow poll is only a safety net. */
export const JUDGMENT_POLL_MS = 5 * 60_000;

const stepJudgmentSchema = z.object({ judgmentStatus: z.string(), lastModifiedBy: z.string().optional() });

/**
 * The answer to the step judgment `name` (a rolling deploy's step, a canary's marginal step), its
 * status lower-cased as the API accepts it in any case; undefined until someone answered.
 */
export function stepJudgment(ctx: TaskContext, name: string): z.output<typeof stepJudgmentSchema> | undefined {
  const parsed = stepJudgmentSchema.safeParse(stepJudgmentsOf(ctx.stage.context)[name]);
  return parsed.success ? { ...parsed.data, judgmentStatus: parsed.data.judgmentStatus.toLowerCase() } : undefined;
}

const judgmentContext = z.object({
  judgmentStatus: z.string().optional(),
  judgmentInput: z.unknown().optional(),
  lastModifiedBy: z.string().optional(),
  judgedAt: z.union([z.string(), z.number()]).optional(),
});

/** `manualJudgment` stage: waits for the judgment the API writes into the stage context. */
export const waitForJudgmentTask = defineTask({
  name: 'waitForJudgment',
  async run(ctx) {
    const fields = readFields(judgmentContext, ctx);
    const { judgmentStatus, judgmentInput, lastModifiedBy, judgedAt } = fields;
    if (judgmentStatus === undefined || judgmentStatus === '') {
      return { status: 'RUNNING', retryAfterMs: JUDGMENT_POLL_MS };
    }

    const status = judgmentStatus.toLowerCase();
    // Nulls rather than missing keys, so expressions like `stages.judge.outputs.judgmentInput == 'x'`
    // evaluate instead of failing on an absent field.
    const outputs: JsonObject = {
      judgmentStatus: status,
      judgmentInput: judgmentInput ?? null,
      lastModifiedBy: lastModifiedBy ?? null,
      judgedAt: judgedAt ?? null,
    };
    if (status === 'continue') return { status: 'SUCCEEDED', outputs };
    if (status === 'stop') {
      return { status: 'TERMINAL', error: `judged "stop" by ${lastModifiedBy ?? 'an unknown user'}`, outputs };
    }
    return {
      status: 'TERMINAL',
      error: `unknown judgmentStatus "${judgmentStatus}" (expected "continue" or "stop")`,
      outputs,
    };
  },
});
