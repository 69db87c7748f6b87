import { z } from 'zod';
import { expectedArtifactSchema } from '../artifacts';
import { jenkinsJobPath } from '../jenkins/jenkins';
import { allowingExpressions, nonEmptyText } from './fields';
import { defineStageType } from './StageType';

// Spinnaker's parameters are text; numbers and booleans are sent as their text, null as absent.
const parameterValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const jenkinsShape = {
  /** A configured Jenkins master (`jenkinsMasters`); checked when the stage runs, not at save time. */
  master: nonEmptyText,
  /** The job's full name, folders included (`team/service/build`). */
  job: nonEmptyText.refine((job) => {
    try {
      jenkinsJobPath(job);
      return true;
    } catch {
      return false;
    }
  }, 'a job is its folders and name separated by single "/", none of them empty'),
  parameters: z.record(z.string().min(1), parameterValue).default({}),
  waitForCompletion: z.boolean().default(true),
  /** An archived artifact of the build whose keys become the stage's outputs; Spinnaker saves "" for none. */
  propertyFile: z.string().optional(),
  markUnstableAsSuccessful: z.boolean().default(false),
  expectedArtifacts: z.array(expectedArtifactSchema).default([]),
};

/** The jenkins stage's fields, as its tasks read them once expressions are resolved. */
export const jenkinsFieldsSchema = z.looseObject(jenkinsShape);

export type JenkinsFields = z.output<typeof jenkinsFieldsSchema>;

/** Stops the build (or takes it out of the queue) when the execution is canceled. */
export const JENKINS_STOP_TASK = 'stopJenkinsJob';

/**
 * `jenkins` (orca's JenkinsStage): queue a build of `job` on `master` with `parameters`, wait for
 * it to leave the queue and, with `waitForCompletion` (the default), for its result; then read
 * `propertyFile` from its archived artifacts into the stage's outputs. A cancel stops the build.
 */
export const jenkinsStage = defineStageType({
  type: 'jenkins',
  fields: z.looseObject(allowingExpressions(jenkinsShape)),
  tasks: (fields) => [
    'startJenkinsJob' as const,
    'waitForJenkinsJobStart' as const,
    ...(fields.waitForCompletion === false ? [] : ['monitorJenkinsJob' as const]),
    // Orca reads the property file only of a build it waited for.
    ...(fields.waitForCompletion !== false && typeof fields.propertyFile === 'string' && fields.propertyFile.trim() !== ''
      ? ['getJenkinsBuildProperties' as const]
      : []),
  ],
  cancelTasks: () => [JENKINS_STOP_TASK],
});
