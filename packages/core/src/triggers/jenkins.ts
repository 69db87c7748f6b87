import { z } from 'zod';
import { IRRELEVANT, miss, type TriggerMatch } from './match';

/** Results a Jenkins build can end with (hudson.model.Result). */
export const JENKINS_RESULTS = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED'] as const;
/** Phases of the Notification plugin that carry a build result. */
export const JENKINS_RESULT_PHASES = ['COMPLETED', 'FINALIZED'] as const;

/**
 * `{type: "jenkins", master, job, propertyFile?, statuses?, phase?}`. Defaults are applied when a
 * notification is matched, not stored: `statuses` ["SUCCESS"], `phase` "COMPLETED" (Jenkins sends
 * COMPLETED and then FINALIZED for every build; a trigger fires on one of them).
 */
export const jenkinsTriggerSchema = z.looseObject({
  type: z.literal('jenkins'),
  enabled: z.boolean().default(true),
  master: z.string().min(1),
  /** The job's full name: `build`, or `folder/build` (Spinnaker's `folder/job/build` works too). */
  job: z.string().min(1),
  propertyFile: z.string().min(1).optional(),
  statuses: z.array(z.enum(JENKINS_RESULTS)).min(1).optional(),
  phase: z.enum(JENKINS_RESULT_PHASES).optional(),
});

export type JenkinsTrigger = z.output<typeof jenkinsTriggerSchema>;

/** What the Jenkins Notification plugin posts (JSON format), keeping every field it may add. */
export const jenkinsNotificationSchema = z.looseObject({
  name: z.string().min(1).describe("The job's name"),
  url: z.string().optional().describe('The job, relative to Jenkins: job/<folder>/job/<name>/'),
  build: z.looseObject({
    full_url: z.string().optional(),
    // A hand-written notification (a Jenkinsfile's httpRequest) may quote it: "118" reads as 118.
    number: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]),
    timestamp: z.number().int().optional().describe('When the build was scheduled (ms); the same in all of its notifications'),
    phase: z.string().min(1).describe('QUEUED, STARTED, COMPLETED or FINALIZED'),
    status: z.string().optional().describe('The result, once the build has one: SUCCESS, UNSTABLE, FAILURE, …'),
    url: z.string().optional(),
    scm: z
      .looseObject({ url: z.string().optional(), branch: z.string().optional(), commit: z.string().optional() })
      .optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    artifacts: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  }),
});

export type JenkinsNotification = z.output<typeof jenkinsNotificationSchema>;

/** One build notification from one Jenkins master, in the shape triggers are matched against. */
export interface JenkinsBuildEvent {
  master: string;
  /** The job's full name (`folder/name` for a job in a folder). */
  job: string;
  /** Every name a trigger may use for the job (short name, folder/name, Spinnaker's folder/job/name). */
  jobNames: string[];
  number: number;
  /**
   * The build's scheduled time, when the notifier sends it. With the number it names the build
   * even across a job recreated from scratch, whose numbers start again at 1.
   */
  timestamp: number | undefined;
  phase: string;
  status: string | undefined;
  /** `trigger.buildInfo` of the executions it starts. */
  buildInfo: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

export function jenkinsBuildEvent(master: string, notification: JenkinsNotification): JenkinsBuildEvent {
  const { build } = notification;
  const folders = jobPath(notification.url);
  const fullName = folders.length > 0 ? folders.join('/') : notification.name;
  const scm = build.scm === undefined ? undefined : { url: build.scm.url, branch: build.scm.branch, commit: build.scm.commit };
  return {
    master,
    job: fullName,
    jobNames: [...new Set([fullName, folders.join('/job/'), ...(folders.length <= 1 ? [notification.name] : [])])].filter(
      (name) => name !== '',
    ),
    number: build.number,
    timestamp: build.timestamp,
    phase: build.phase,
    status: build.status,
    buildInfo: {
      name: fullName,
      number: build.number,
      url: build.full_url ?? build.url,
      result: build.status,
      phase: build.phase,
      ...(scm === undefined ? {} : { scm }),
      // Each artifact keeps every location the plugin lists (archive, s3, …); `url` is the archive's.
      artifacts: Object.entries(build.artifacts ?? {}).map(([relativePath, locations]) => ({
        ...locations,
        fileName: relativePath.split('/').pop() ?? relativePath,
        relativePath,
        url: typeof locations.archive === 'string' ? locations.archive : undefined,
      })),
    },
    parameters: build.parameters ?? {},
  };
}

/** `job/team/job/checkout/` → ["team", "checkout"]. */
function jobPath(url: string | undefined): string[] {
  if (url === undefined) return [];
  const segments = url.split('/').filter((segment) => segment !== '');
  const names: string[] = [];
  for (let i = 0; i + 1 < segments.length; i += 2) {
    if (segments[i] !== 'job') break;
    names.push(decodeURIComponent(segments[i + 1] ?? ''));
  }
  return names;
}

export function matchJenkinsTrigger(trigger: JenkinsTrigger, event: JenkinsBuildEvent): TriggerMatch {
  if (trigger.master !== event.master || !event.jobNames.includes(trigger.job)) return IRRELEVANT;
  const phase = trigger.phase ?? 'COMPLETED';
  if (event.phase !== phase) return miss(`build #${event.number} is in phase ${event.phase}; the trigger fires on ${phase}`);
  const statuses: readonly string[] = trigger.statuses ?? ['SUCCESS'];
  if (event.status === undefined || !statuses.includes(event.status)) {
    return miss(`build #${event.number} ended ${event.status ?? 'without a result'}, not ${statuses.join(' or ')}`);
  }
  return {
    result: 'match',
    trigger: {
      type: 'jenkins',
      master: event.master,
      job: trigger.job,
      user: `jenkins:${event.master}`,
      buildNumber: event.number,
      buildInfo: event.buildInfo,
      parameters: event.parameters,
      ...(trigger.propertyFile === undefined ? {} : { propertyFile: trigger.propertyFile }),
    },
    parameters: event.parameters,
  };
}
