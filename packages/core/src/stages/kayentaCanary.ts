import { kayentaCanaryConfigSchema, parseIsoDurationMs, type KayentaScheduleInput } from '@gantry/canary';
import { z } from 'zod';
import { allowExpressions } from './allowExpressions';
import { nonEmptyText, seconds, wholeNumber } from './fields';
import { defineStageType } from './StageType';

const HOUR_MS = 3_600_000;

const isoInstant = z.string().refine((text) => !Number.isNaN(Date.parse(text.replace('+00:00', 'Z'))), { message: 'must be an ISO-8601 instant, e.g. 2026-12-05T12:00:00Z' });

/** One entry of `canaryConfig.scopes` (Orca's CanaryConfigScope, with its defaults). */
const scopeSchema = z.looseObject({
  scopeName: nonEmptyText.default('default'),
  controlScope: nonEmptyText,
  experimentScope: nonEmptyText,
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
 * `kayentaCanary`'s fields (Orca's KayentaCanaryContext). The canary config is a stored one
 * (`canaryConfigId`, looked up when the stage runs, as Orca asks Kayenta then) or given inline as
 * `canaryConfig.canaryConfig` (Kayenta's ad-hoc request body). `realTimeAutomatic`, where the
 * stage also deploys and destroys the baseline and canary server groups, is refused naming the
 * field.
 */
export const kayentaCanaryFieldsSchema = z
  .looseObject({
    analysisType: z
      .string()
      .default('realTime')
      .superRefine((value, ctx) => {
        if (value === 'realTimeAutomatic') ctx.addIssue({ code: 'custom', message: 'realTimeAutomatic (the stage deploying its own baseline and canary) is not supported; deploy them in earlier stages and use realTime' });
        else if (value !== 'realTime' && value !== 'retrospective') ctx.addIssue({ code: 'custom', message: 'must be realTime or retrospective' });
      }),
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

/**
 * `kayentaCanary` (Orca's KayentaCanaryStage): judges the experiment against the control in
 * intervals with Kayenta's rules. One task drives the whole schedule: it waits (as engine polls)
 * until each interval's data exists, reads every metric from the metrics account, judges, records
 * the interval's result in the outputs and ends the stage on a failing interval or after the last.
 */
export const kayentaCanaryStage = defineStageType({
  type: 'kayentaCanary',
  fields: allowExpressions(kayentaCanaryFieldsSchema),
  tasks: () => ['runKayentaCanary' as const],
});
