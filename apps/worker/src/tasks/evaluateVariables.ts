import { z } from 'zod';
import { defineTask } from './Task';
import { readFields } from './readFields';

const variablesContext = z.object({
  variables: z.array(z.object({ key: z.string().min(1), value: z.unknown().optional() })).default([]),
});

/** `evaluateVariables` stage: publishes each (already resolved) variable as a stage output. */
export const evaluateVariablesTask = defineTask({
  name: 'evaluateVariables',
  async run(ctx) {
    const fields = readFields(variablesContext, ctx);
    // fromEntries defines own properties, so a key like "__proto__" stays data instead of
    // rewriting the prototype; a later duplicate key wins, as in Spinnaker.
    const outputs = Object.fromEntries(fields.variables.map((v) => [v.key, v.value ?? null]));
    return { status: 'SUCCEEDED', outputs };
  },
});
