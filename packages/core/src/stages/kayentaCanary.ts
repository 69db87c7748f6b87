import { kayentaCanaryConfigSchema, parseIsoDurationMs, type KayentaScheduleInput } from '@gantry/canary';
import { z } from 'zod';
import { allowExpressions } from './allowExpressions';
import { nonEmptyText, seconds, wholeNumber } from './fields';
import { clusterName } from '../naming';
import { deployClusterSchema, fromSpinnakerCluster } from './serverGroup/deploy';
import { checkLocation, locationOf, locationShape } from './serverGroup/fields';
import { defineStageType } from './StageType';

const HOUR_MS = 3_600_000;

const KAYENTA_ANALYSIS_TYPES = ['realTime', 'realTimeAutomatic', 'retrospective'];

const isoInstant = z.string().refine((text) => !Number.isNaN(Date.parse(text.replace('+00:00', 'Z'))), { message: 'must be an ISO-8601 instant, e.g. 2026-12-05T12:00:00Z' });

/** One entry of `canaryConfig.scopes` (Orca's CanaryConfigScope, with its defaults). */
const scopeSchema = z.looseObject({
  scopeName: nonEmptyText.default('default'),
  /** Required unless the stage deploys its own groups (realTimeAutomatic), whose names it then uses. */
  controlScope: nonEmptyText.optional(),
  experimentScope: nonEmptyText.optional(),
  controlLocation: z.string().optional(),
  experimentLocation: z.string().optional(),
  startTimeIso: isoInstant.optional(),
  endTimeIso: isoInstant.optional(),
  /**
   * Seconds between data points (Orca's default 60). 0 is kept as Kayenta keeps it, for the
   * metrics store to read: New Relic's query takes it as one bucket (`TIMESERIES MAX`).
   */
  step: seconds.default(60),
  extendedScopeParams: z.record(z.string(), z.string()).default({}),
});

/** A threshold as Deck writes it: a number, numeric text, or null (the codelab's pipelines hold nulls). */
const threshold = z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), z.number().min(0).max(100).nullable().optional());

/**
 * One control or experiment server group of `deployments.serverGroupPairs` (Orca's ServerGroupSpec,
 * a deploy cluster as Deck writes it): the control takes the baseline's image, so only the
 * experiment needs `image`. Strategy fields are ignored: the stage creates, enables and destroys
 * these groups itself.
 */
const canaryServerGroupSpecSchema = z.preprocess(
  (value) => fromSpinnakerCluster(value),
  z.looseObject({ ...deployClusterSchema.shape, image: nonEmptyText.optional() }).superRefine((cluster, ctx) => checkLocation(cluster, ctx)),
);

/** Orca's Duration as Jackson reads it: seconds (also as numeric text), or ISO-8601 text. */
const durationSeconds = z.preprocess(
  (value) => {
    if (typeof value !== 'string' || !/^\s*-?P/i.test(value)) return value;
    const ms = parseIsoDurationMs(value);
    return ms === undefined ? value : ms / 1000;
  },
  z.union([seconds, z.string()]).pipe(z.number({ error: 'must be seconds or an ISO-8601 duration, e.g. PT1H' })),
);

/**
 * `deployments` of a realTimeAutomatic analysis (Orca's Deployments): the cluster whose current
 * group's image the controls run (`baseline`), the control/experiment pairs to create, and how
 * long to keep them after the analysis (`delayBeforeCleanup`, default 0).
 */
const deploymentsSchema = z.looseObject({
  baseline: z.looseObject({
    cloudProvider: z.string().optional(),
    application: nonEmptyText,
    account: nonEmptyText,
    cluster: nonEmptyText,
    /** Gantry's: where the baseline cluster runs; default the first control's location, as Orca looks in the pairs' regions. */
    ...locationShape,
  }),
  serverGroupPairs: z
    .array(
      z.looseObject({
        control: canaryServerGroupSpecSchema,
        experiment: canaryServerGroupSpecSchema.superRefine((spec, ctx) => {
          if (spec.image === undefined) ctx.addIssue({ code: 'custom', path: ['image'], message: 'the experiment server group needs the image it runs' });
        }),
      }),
    )
    .min(1, 'at least one control/experiment pair is needed'),
  delayBeforeCleanup: durationSeconds.default(0),
});

export type KayentaDeployments = z.output<typeof deploymentsSchema>;
export type KayentaServerGroupSpec = KayentaDeployments['serverGroupPairs'][number]['control'];

/** A pair's server group as a cluster: its name and where it runs. */
export function kayentaClusterOf(spec: KayentaServerGroupSpec): { account: string; cluster: string; location?: string } {
  const location = locationOf(spec);
  return { account: spec.account, cluster: clusterName(spec.application, spec.stack, spec.freeFormDetails), ...(location === undefined ? {} : { location }) };
}

/**
 * `kayentaCanary`'s fields (Orca's KayentaCanaryContext). The canary config is a stored one
 * (`canaryConfigId`, looked up when the stage runs, as Orca asks Kayenta then) or given inline as
 * `canaryConfig.canaryConfig` (Kayenta's ad-hoc request body). With `realTimeAutomatic` the stage
 * also creates the control and experiment server groups of `deployments` and destroys them after.
 */
export const kayentaCanaryFieldsSchema = z
  .looseObject({
    analysisType: z
      .string()
      .default('realTime')
      .superRefine((value, ctx) => {
        if (!KAYENTA_ANALYSIS_TYPES.includes(value)) ctx.addIssue({ code: 'custom', message: `must be one of ${KAYENTA_ANALYSIS_TYPES.join(', ')}` });
      }),
    deployments: deploymentsSchema.optional(),
    canaryConfig: z.looseObject({
      canaryConfigId: nonEmptyText.optional(),
      /** An inline Kayenta canary config, instead of a stored one. */
      canaryConfig: kayentaCanaryConfigSchema.optional(),
      metricsAccountName: z.string().optional(),
      storageAccountName: z.string().optional(),
      scopes: z.array(scopeSchema).min(1, 'at least one scope is needed'),
      scoreThresholds: z.looseObject({ marginal: threshold, pass: threshold }).default({ marginal: 50, pass: 75 }),
      lifetimeDuration: z
        .string()
        .refine((text) => parseIsoDurationMs(text) !== undefined, { message: 'must be an ISO-8601 duration, e.g. PT1H or PT0H30M' })
        .optional(),
      lifetimeHours: wholeNumber(0).optional(),
      beginCanaryAnalysisAfterMins: wholeNumber(0).default(0),
      lookbackMins: wholeNumber(0).default(0),
      canaryAnalysisIntervalMins: wholeNumber(0).optional(),
    }),
  })
  .superRefine((fields, ctx) => {
    const { canaryConfigId, canaryConfig: inline } = fields.canaryConfig;
    if ((canaryConfigId === undefined) === (inline === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['canaryConfig', 'canaryConfigId'], message: 'give either canaryConfigId (a stored canary config) or canaryConfig (an inline one), not both or neither' });
    }
    const first = fields.canaryConfig.scopes[0];
    const automatic = fields.analysisType === 'realTimeAutomatic';
    if (automatic && fields.deployments === undefined) {
      ctx.addIssue({ code: 'custom', path: ['deployments'], message: 'realTimeAutomatic needs deployments: the baseline cluster and the control/experiment server groups to create' });
    }
    fields.canaryConfig.scopes.forEach((scope, index) => {
      for (const key of automatic ? [] : (['controlScope', 'experimentScope'] as const)) {
        if (scope[key] === undefined) ctx.addIssue({ code: 'custom', path: ['canaryConfig', 'scopes', index, key], message: 'is required (only realTimeAutomatic fills it with the server group it deploys)' });
      }
    });
    if (fields.analysisType === 'retrospective') {
      for (const key of ['startTimeIso', 'endTimeIso'] as const) {
        if (first?.[key] === undefined) ctx.addIssue({ code: 'custom', path: ['canaryConfig', 'scopes', 0, key], message: 'a retrospective analysis needs the window it looks back at' });
      }
    } else if (fields.canaryConfig.lifetimeDuration === undefined && fields.canaryConfig.lifetimeHours === undefined && first?.endTimeIso === undefined) {
      ctx.addIssue({ code: 'custom', path: ['canaryConfig', 'lifetimeDuration'], message: 'a realTime analysis needs lifetimeDuration (or lifetimeHours)' });
    }
  });

export type KayentaCanaryFields = z.output<typeof kayentaCanaryFieldsSchema>;

/** What `kayentaSchedule` needs from the fields: Orca reads the times from the first scope only. */
export function kayentaScheduleInputOf(fields: KayentaCanaryFields): KayentaScheduleInput {
  const config = fields.canaryConfig;
  const first = config.scopes[0];
  const instant = (text: string | undefined) => (text === undefined ? undefined : Date.parse(text.replace('+00:00', 'Z')));
  const lifetimeMs = config.lifetimeDuration !== undefined ? parseIsoDurationMs(config.lifetimeDuration) : config.lifetimeHours === undefined ? undefined : config.lifetimeHours * HOUR_MS;
  const startMs = instant(first?.startTimeIso);
  const endMs = instant(first?.endTimeIso);
  return {
    ...(lifetimeMs === undefined ? {} : { lifetimeMs }),
    ...(config.canaryAnalysisIntervalMins === undefined ? {} : { intervalMins: config.canaryAnalysisIntervalMins }),
    beginAfterMins: config.beginCanaryAnalysisAfterMins,
    lookbackMins: config.lookbackMins,
    ...(startMs === undefined ? {} : { startMs }),
    ...(endMs === undefined ? {} : { endMs }),
  };
}

/** realTimeAutomatic's own tasks: the groups named before anything exists, created, brought up. */
const DEPLOY_CANARY_GROUPS_TASKS = ['determineKayentaServerGroups', 'createKayentaServerGroups', 'waitForKayentaServerGroups'] as const;

const isAutomatic = (fields: { analysisType?: unknown }) => fields.analysisType === 'realTimeAutomatic';

/**
 * `kayentaCanary` (Orca's KayentaCanaryStage): judges the experiment against the control in
 * intervals with Kayenta's rules. One task drives the whole schedule: it waits (as engine polls)
 * until each interval's data exists, reads every metric from the metrics account, judges, records
 * the interval's result in the outputs and ends the stage on a failing interval or after the last.
 * realTimeAutomatic puts Orca's DeployCanaryServerGroupsStage before it and its
 * CleanupCanaryClustersStage after it, also when the stage fails (after `delayBeforeCleanup`) or
 * is canceled (at once): the groups it recorded are destroyed whatever the outcome.
 */
export const kayentaCanaryStage = defineStageType({
  type: 'kayentaCanary',
  fields: allowExpressions(kayentaCanaryFieldsSchema),
  // An inline config's templates and queries are Kayenta's (`${scope}`, `${location}`), filled per scope by the stage.
  literalFields: [
    ['canaryConfig', 'canaryConfig', 'templates', '*'],
    ['canaryConfig', 'canaryConfig', 'metrics', '*', 'query', '**'],
  ],
  tasks: (fields) => (isAutomatic(fields) ? [...DEPLOY_CANARY_GROUPS_TASKS, 'runKayentaCanary' as const, 'cleanupKayentaServerGroups' as const] : ['runKayentaCanary' as const]),
  onFailureTasks: (fields) => (isAutomatic(fields) ? ['cleanupKayentaServerGroups' as const] : []),
  cancelTasks: (fields) => (isAutomatic(fields) ? ['destroyKayentaServerGroups' as const] : []),
});
