import type { JenkinsJob, JenkinsParameters } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { TaskFailure } from '../Task';
import { findLaunched, jenkinsStep, jenkinsTask, recordedLaunch, type JenkinsLaunch } from './jenkinsTask';

/**
 * A parameter a job may declare to get the stage attempt that queued it: then a resumed start
 * finds its own build exactly, not only by its other parameters.
 */
export const EXECUTION_MARKER_PARAMETER = 'GANTRY_EXECUTION_ID';

/**
 * What to send, as igor decides it: a job without parameter definitions is built with `build` and
 * refuses parameters; one with definitions gets `buildWithParameters` (its defaults fill in what
 * the stage leaves out), and a choice must be one of the job's choices.
 */
function parametersToSend(job: JenkinsJob, given: Record<string, string | number | boolean | null>, marker: string, label: string): JenkinsParameters | null {
  const parameters = Object.fromEntries(Object.entries(given).flatMap(([name, value]) => (value === null ? [] : [[name, String(value)]])));
  if (job.parameterDefinitions.length === 0) {
    if (Object.keys(parameters).length > 0) throw new TaskFailure(`${label} takes no parameters, but the stage passes ${Object.keys(parameters).join(', ')}`);
    return null;
  }
  for (const definition of job.parameterDefinitions) {
    const value = parameters[definition.name];
    if (value !== undefined && definition.choices !== undefined && definition.type === 'ChoiceParameterDefinition' && !definition.choices.includes(value)) {
      throw new TaskFailure(`${label}: "${value}" is not a choice of parameter ${definition.name} (choices: ${definition.choices.join(', ')})`);
    }
  }
  const marks = job.parameterDefinitions.some((definition) => definition.name === EXECUTION_MARKER_PARAMETER);
  return marks ? { ...parameters, [EXECUTION_MARKER_PARAMETER]: marker } : parameters;
}

/**
 * `jenkins` stage, step 1 (orca's StartJenkinsJobTask), in two runs so that a crash cannot queue
 * the build twice. The first reads the job (a missing master or job fails the stage here, naming
 * it) and records, in the stage's outputs, the build number Jenkins will give next and the
 * parameters it will send. The second looks for a queue item or build of the job with those
 * parameters (a run that died after its POST left one) and queues the build only when there is
 * none, recording the queue item from the 201's `Location`.
 */
export const startJenkinsJobTask = jenkinsTask({
  name: 'startJenkinsJob',
  async run(ctx) {
    const { fields, client, label } = jenkinsStep(ctx);
    const launch = recordedLaunch(ctx.stage.outputs);
    if (launch === undefined) {
      const job = await client.job(fields.job);
      if (job === null) throw new TaskFailure(`Jenkins master ${fields.master} has no job ${fields.job}`);
      if (!job.buildable) throw new TaskFailure(`${label} is not buildable (it may be disabled)`);
      const marker = `${ctx.execution.id}:${ctx.stage.id}:${ctx.stage.attempt}`;
      const recorded: JenkinsLaunch = { nextBuildNumber: job.nextBuildNumber, parameters: parametersToSend(job, fields.parameters, marker, label) };
      // Not bound to the build's artifacts yet (orca's BindProducedArtifactsTask): kept in the outputs for later stages.
      const expected = fields.expectedArtifacts.length === 0 ? {} : { expectedArtifacts: fields.expectedArtifacts as unknown as JsonObject[] };
      return { status: 'RUNNING', retryAfterMs: 1, outputs: { jenkinsLaunch: recorded as unknown as JsonObject, ...expected } };
    }
    const found = await findLaunched(client, fields.job, launch);
    if (found?.queueItem !== undefined) return { status: 'SUCCEEDED', outputs: { queuedBuild: found.queueItem } };
    if (found?.buildNumber !== undefined) return { status: 'SUCCEEDED', outputs: { buildNumber: found.buildNumber } };
    const queueItem = await client.startBuild(fields.job, launch.parameters ?? undefined);
    return { status: 'SUCCEEDED', outputs: { queuedBuild: queueItem } };
  },
});
