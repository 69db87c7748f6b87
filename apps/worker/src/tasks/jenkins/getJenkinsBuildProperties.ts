import { parsePropertyFile } from '@gantry/core';
import { TaskFailure } from '../Task';
import { jenkinsStep, jenkinsTask, numberOutput } from './jenkinsTask';

/** Outputs the stage writes itself: a property file's keys do not replace them. */
const STAGE_OUTPUTS = new Set(['buildInfo', 'buildNumber', 'queuedBuild', 'jenkinsLaunch', 'propertyFileContents']);

/**
 * `jenkins` stage, last step with a `propertyFile` (orca's GetBuildPropertiesTask): reads the
 * file from the build's archived artifacts and puts its keys at the top of the stage's outputs,
 * where later stages' expressions read them (`${#stage('Build')['outputs']['version']}`), and the
 * whole map as `propertyFileContents`.
 */
export const getJenkinsBuildPropertiesTask = jenkinsTask({
  name: 'getJenkinsBuildProperties',
  async run(ctx) {
    const { fields, client, label } = jenkinsStep(ctx);
    const propertyFile = fields.propertyFile?.trim() ?? '';
    const number = numberOutput(ctx.stage.outputs, 'buildNumber');
    if (number === undefined) throw new TaskFailure(`${label}: no build number recorded (buildNumber output missing)`);
    const content = await client.artifact(fields.job, number, propertyFile);
    if (content === null) throw new TaskFailure(`${label}: build #${number} archived no property file ${propertyFile}`);
    let properties: Record<string, unknown>;
    try {
      properties = parsePropertyFile(propertyFile, content);
    } catch (error) {
      throw new TaskFailure(`${label}: ${(error as Error).message}`);
    }
    const keys = Object.fromEntries(Object.entries(properties).filter(([key]) => !STAGE_OUTPUTS.has(key)));
    return { status: 'SUCCEEDED', outputs: { ...keys, propertyFileContents: properties } };
  },
});
