import { evaluateVariablesFieldsSchema } from '@gantry/core';
import { defineTask } from './Task';
import { readFields } from './readFields';

/** `evaluateVariables` stage: publishes each (already resolved) variable as a stage output. */
export const evaluateVariablesTask = defineTask({
  name: 'evaluateVariables',
  // Its variables were resolved when the stage started: it only copies them to the outputs.
  local: true,
  async run(ctx) {
    const fields = readFields(evaluateVariablesFieldsSchema, ctx);
    // fromEntries defines own properties, so a key like "__proto__" stays data instead of
    // rewriting the prototype; a later duplicate key wins, as in Spinnaker.
    const outputs = Object.fromEntries(fields.variables.map((v) => [v.key, v.value ?? null]));
    return { status: 'SUCCEEDED', outputs };
  },
});
