import { z } from 'zod';

/** The one judge Kayenta ships and the only one this module reproduces. */
export const KAYENTA_JUDGE_NAME = 'NetflixACAJudge-v1.0';

const thresholdsSchema = z
  .looseObject({ pass: z.number().min(0).max(100), marginal: z.number().min(0).max(100) })
  .refine((t) => t.marginal <= t.pass, { message: 'marginal must not exceed pass', path: ['marginal'] });

/**
 * `analysisConfigurations.canary` of one metric. Kayenta reads each key with a default and maps an
 * unknown enum value to its default (a misspelt direction silently becomes `either`); Gantry
 * refuses it instead, naming the field, because a silent `either` changes verdicts.
 */
export const kayentaCanaryAnalysisSchema = z.looseObject({
  direction: z.enum(['increase', 'decrease', 'either']).optional(),
  nanStrategy: z.enum(['remove', 'replace']).optional(),
  critical: z.boolean().optional(),
  mustHaveData: z.boolean().optional(),
  muted: z.boolean().optional(),
  effectSize: z
    .looseObject({
      measure: z.enum(['meanRatio', 'cles']).optional(),
      allowedIncrease: z.number().optional(),
      allowedDecrease: z.number().optional(),
      criticalIncrease: z.number().optional(),
      criticalDecrease: z.number().optional(),
    })
    .optional(),
  outliers: z
    .looseObject({
      strategy: z.enum(['remove', 'keep']).optional(),
      outlierFactor: z.number().positive('must be > 0 (Kayenta requires factor > 0)').optional(),
    })
    .optional(),
});

export const kayentaMetricConfigSchema = z.looseObject({
  name: z.string().min(1),
  /** Source-specific (prometheus, datadog, newrelic, stackdriver, atlas, graphite, signalfx, wavefront, influxdb…); `type` picks it. */
  query: z.looseObject({ type: z.string().min(1) }),
  groups: z.array(z.string().min(1)),
  analysisConfigurations: z.looseObject({ canary: kayentaCanaryAnalysisSchema.optional() }).optional(),
  scopeName: z.string().min(1).optional(),
});

/**
 * A canary config in Kayenta's JSON (kayenta docs/canary-config.md). Unknown keys are kept, so a
 * document round-trips; `applications` is optional here because Kayenta's own ad-hoc configs omit
 * it (stored configs require it: see the canaryConfigs route).
 */
export const kayentaCanaryConfigSchema = z
  .looseObject({
    id: z.string().min(1).optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    applications: z.array(z.string().min(1)).optional(),
    judge: z.looseObject({ name: z.string().min(1), judgeConfigurations: z.record(z.string(), z.unknown()).optional() }).optional(),
    metrics: z.array(kayentaMetricConfigSchema).min(1, 'at least one metric is needed'),
    templates: z.record(z.string(), z.string()).optional(),
    classifier: z
      .looseObject({
        groupWeights: z.record(z.string(), z.number()).optional(),
        scoreThresholds: thresholdsSchema.optional(),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.metrics.forEach((metric, index) => {
      if (seen.has(metric.name)) ctx.addIssue({ code: 'custom', path: ['metrics', index, 'name'], message: `duplicate metric name "${metric.name}"` });
      seen.add(metric.name);
    });
  });

/** A config Gantry stores (`/api/v1/canaryConfigs`): it must name its applications, which decide who may read and change it. */
export const storedKayentaCanaryConfigSchema = kayentaCanaryConfigSchema.superRefine((config, ctx) => {
  if (config.applications === undefined || config.applications.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['applications'], message: 'a stored canary config names at least one application' });
  }
});

export const kayentaScoreThresholdsSchema = thresholdsSchema;
export type KayentaCanaryAnalysis = z.infer<typeof kayentaCanaryAnalysisSchema>;
export type KayentaMetricConfig = z.infer<typeof kayentaMetricConfigSchema>;
export type KayentaCanaryConfig = z.infer<typeof kayentaCanaryConfigSchema>;
export type KayentaScoreThresholds = z.infer<typeof thresholdsSchema>;
