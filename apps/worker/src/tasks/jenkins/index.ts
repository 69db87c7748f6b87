import { getJenkinsBuildPropertiesTask } from './getJenkinsBuildProperties';
import { monitorJenkinsJobTask } from './monitorJenkinsJob';
import { startJenkinsJobTask } from './startJenkinsJob';
import { stopJenkinsJobTask } from './stopJenkinsJob';
import { waitForJenkinsJobStartTask } from './waitForJenkinsJobStart';

/** The tasks of the jenkins stage and its cancel task. */
export const jenkinsTasks = [startJenkinsJobTask, waitForJenkinsJobStartTask, monitorJenkinsJobTask, getJenkinsBuildPropertiesTask, stopJenkinsJobTask] as const;
