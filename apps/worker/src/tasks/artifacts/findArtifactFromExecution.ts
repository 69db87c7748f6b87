import { admittedStatuses, artifactsOfExecution, bindFromExecution, describePermission, expectedArtifactsOf, findArtifactFromExecutionFieldsSchema } from '@gantry/core';
import { checkPrincipal } from '../principal';
import { readFields } from '../readFields';
import { defineTask } from '../Task';

/**
 * `findArtifactFromExecution` (orca's FindArtifactFromExecutionTask): reads the latest execution
 * of the named pipeline whose status `executionOptions` admits, gathers its artifacts (its stages'
 * `outputs.artifacts`, then its trigger's) and binds the stage's expected artifacts to them. Reading
 * another application's executions needs READ on it. A read only, so a re-run repeats it safely.
 */
export const findArtifactFromExecutionTask = defineTask({
  name: 'findArtifactFromExecution',
  async run(ctx) {
    const fields = readFields(findArtifactFromExecutionFieldsSchema, ctx);
    const application = fields.application ?? ctx.execution.application;
    if (application !== ctx.execution.application) {
      const checked = await checkPrincipal(ctx, [{ kind: 'application', name: application, action: 'READ' }], "reads another application's executions");
      if (!checked.ok) {
        return { status: 'TERMINAL', error: 'error' in checked ? checked.error : `application: ${checked.principal} lacks ${describePermission(checked.missing)}, needed to read its executions` };
      }
    }
    const statuses = admittedStatuses(fields.executionOptions);
    if (statuses.length === 0) {
      return { status: 'TERMINAL', error: 'executionOptions: admit at least one status (successful, terminal or running): no execution can match none' };
    }
    const found = await ctx.services.latestExecution({ application, pipeline: fields.pipeline, statuses });
    if (found === null) return { status: 'TERMINAL', error: `pipeline: application ${application} has no pipeline "${fields.pipeline}"` };
    // Its own pipeline: not what this very stage bound last time (orca excludes the stage's refId).
    const own = found.pipelineId === ctx.execution.pipelineId ? ctx.stage.refId : undefined;
    const artifacts = found.execution === null ? [] : artifactsOfExecution(found.execution, own);
    const source = found.execution === null ? `no execution (none of pipeline "${fields.pipeline}" is ${statuses.join(' or ')})` : `execution ${found.execution.id}`;
    const binding = bindFromExecution(expectedArtifactsOf(fields), artifacts, source);
    if (!binding.ok) return { status: 'TERMINAL', error: `expectedArtifacts: ${binding.reason}` };
    return {
      status: 'SUCCEEDED',
      outputs: {
        resolvedExpectedArtifacts: binding.resolvedExpectedArtifacts,
        artifacts: binding.artifacts,
        ...(found.execution === null ? {} : { executionId: found.execution.id }),
      },
    };
  },
});
