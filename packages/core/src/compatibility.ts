import { isPlainObject } from './celValues';
import { ValidationError } from './errors';
import { parsePipelineDefinition } from './pipeline';
import { notificationProblems } from './notifications/notifications';

/** One finding of the compatibility report: where in the document (`stages.2.clusters.0.image`) and what. */
export interface CompatibilityFinding {
  path: (string | number)[];
  pathString: string;
  message: string;
}

/**
 * What Gantry makes of a pipeline document, Spinnaker's or its own (`POST /pipelines/validate`,
 * `gantry pipeline validate`): what loads (and how Spinnaker's spelling is read), what is stored
 * but has no effect in Gantry, and what is unsupported. `accepted` says whether saving it succeeds;
 * exactly then `unsupported` is empty. Docs: docs/spinnaker-compatibility.md.
 */
export interface CompatibilityReport {
  accepted: boolean;
  loads: CompatibilityFinding[];
  ignored: CompatibilityFinding[];
  unsupported: CompatibilityFinding[];
}

/**
 * Pipeline fields Spinnaker writes that change nothing about how Gantry runs the pipeline: kept
 * with the stored definition, used for nothing. Each says why it is harmless.
 */
export const IGNORED_PIPELINE_FIELDS: Readonly<Record<string, string>> = {
  id: "front50's id of the pipeline; Gantry gives the pipeline its own",
  index: "the pipeline's position in Deck's list",
  updateTs: "front50's time of the last save; Gantry keeps a version history",
  lastModifiedBy: "front50's last editor; Gantry records who saved each version",
  spelEvaluator: "Spinnaker's expression evaluator version; Gantry has one evaluator",
  schema: 'the version of the pipeline JSON format',
  appConfig: "Deck's per-pipeline application settings, unused by Spinnaker's engine",
  stageCounter: "Deck's counter for the next stage's refId",
  parallel: 'marks pipelines whose stages carry refIds (all of today\'s); stages without one run in order',
  executionEngine: "Spinnaker's engine generation (v2, v3)",
  roles: 'Spinnaker keeps permissions on the application; so does Gantry',
};

/** Stage fields of that kind, on any stage type. */
export const IGNORED_STAGE_FIELDS: Readonly<Record<string, string>> = {
  id: "an id Deck or a template gave the stage; the refId names it",
  isNew: "Deck's editing flag",
  group: "Deck's visual grouping of stages",
  comments: 'text shown beside the stage',
  user: 'who last edited the stage in Deck',
  cloudProviderType: "Deck's provider hint; the account decides the provider",
};

const SENT_NOTIFICATIONS = 'sent on the events each names (Slack, email, webhook, Microsoft Teams, Google Chat; README "Notifications")';

/** Spinnaker spellings read as Gantry's, reported under "loads" so a reader sees what they became. */
const READ_AS: Readonly<Record<string, string>> = {
  parameterConfig: "Spinnaker's parameter list, read as parameters (defaults, required, options)",
};

export function compatibilityReport(document: unknown): CompatibilityReport {
  const unsupported = refusals(document);
  const report: CompatibilityReport = { accepted: unsupported.length === 0, loads: [], ignored: [], unsupported };
  if (!isPlainObject(document)) return report;
  for (const [key, value] of Object.entries(document)) {
    if (value === undefined) continue;
    const ignored = IGNORED_PIPELINE_FIELDS[key];
    if (ignored !== undefined) report.ignored.push(finding([key], ignored));
    const readAs = READ_AS[key];
    if (readAs !== undefined) report.loads.push(finding([key], readAs));
  }
  addNotifications(report, document.notifications, ['notifications']);
  const stages = Array.isArray(document.stages) ? document.stages : [];
  const positional = stages.length > 0 && stages.every((stage) => isPlainObject(stage) && (stage.refId === undefined || stage.refId === null));
  stages.forEach((stage: unknown, index) => {
    if (!isPlainObject(stage)) return;
    const type = typeof stage.type === 'string' ? stage.type : 'stage';
    const refused = unsupported.some((issue) => issue.path[0] === 'stages' && issue.path[1] === index);
    if (!refused) {
      const order = positional ? ` (no refId: runs as stage ${index + 1}, after the stage before it)` : '';
      report.loads.push(finding(['stages', index], `${type} stage${order}`));
    }
    for (const key of Object.keys(stage)) {
      const ignored = IGNORED_STAGE_FIELDS[key];
      if (ignored !== undefined && stage[key] !== undefined) report.ignored.push(finding(['stages', index, key], ignored));
    }
    addNotifications(report, stage.notifications, ['stages', index, 'notifications']);
    if (Array.isArray(stage.notifications) && stage.notifications.length > 0 && stage.sendNotifications !== true && type !== 'manualJudgment') {
      report.ignored.push(finding(['stages', index, 'sendNotifications'], 'not true: the stage notifications are not sent for stage events (as in Spinnaker)'));
    }
  });
  const triggers = Array.isArray(document.triggers) ? document.triggers : [];
  triggers.forEach((trigger: unknown, index) => {
    const refused = unsupported.some((issue) => issue.path[0] === 'triggers' && issue.path[1] === index);
    if (!refused && isPlainObject(trigger)) report.loads.push(finding(['triggers', index], `${String(trigger.type)} trigger`));
  });
  return report;
}

function refusals(document: unknown): CompatibilityFinding[] {
  try {
    parsePipelineDefinition(document);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((issue) => finding(issue.path, issue.message));
  }
}

function addNotifications(report: CompatibilityReport, notifications: unknown, path: (string | number)[]): void {
  if (!Array.isArray(notifications) || notifications.length === 0) return;
  report.loads.push(finding(path, SENT_NOTIFICATIONS));
  for (const problem of notificationProblems(notifications, path)) report.ignored.push(finding(problem.path, problem.message));
}

function finding(path: (string | number)[], message: string): CompatibilityFinding {
  return { path, pathString: path.join('.'), message };
}
