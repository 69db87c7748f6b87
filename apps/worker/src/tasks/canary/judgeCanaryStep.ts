import { createMetricSource, judge, type JudgeReport, type MetricSamples } from '@gantry/canary';
import type { CanaryFields } from '@gantry/core';
import type { ServerGroup } from '@gantry/providers';
import type { TaskContext } from '../Task';
import { TaskFailure } from '../Task';
import { guardedFetch } from '../http/sendRequest';
import type { CanaryStageGroups } from './canaryGroups';

interface StepWindow {
  startMs: number;
  endMs: number;
}

/**
 * Collects every metric of the canary config for baseline and canary over the step's window, then
 * judges them. A source that cannot be read fails the step's run with the source's message; the
 * engine retries it (TransientTaskError), so a Prometheus blip does not fail a canary.
 */
export function judgeCanaryStep(
  ctx: TaskContext,
  analysis: { fields: CanaryFields; groups: CanaryStageGroups; live: { canary: ServerGroup | null } },
  window: StepWindow,
): Promise<JudgeReport> {
  const { fields, groups, live } = analysis;
  return judgeGroups(ctx, fields, { baseline: groups.baseline, canary: groups.canary.serverGroupName, canaryGroup: live.canary }, window);
}

/**
 * Judges server group `canary` against `baseline` by `canaryConfig` over the window, reading
 * `metricSource` (the canary stage's step and the abTest stage's variant against its control).
 */
export async function judgeGroups(
  ctx: TaskContext,
  fields: Pick<CanaryFields, 'metricSource' | 'canaryConfig' | 'stepSec'>,
  groups: { baseline: string; canary: string; canaryGroup: ServerGroup | null },
  window: StepWindow,
): Promise<JudgeReport> {
  // Metric source URLs are pipeline input like a webhook's: the same guard, on every redirect too.
  const fetch = guardedFetch({ fetch: ctx.services.fetch, allowedHosts: ctx.services.webhook.allowedHosts });
  const source = createMetricSource(sourceConfig(fields.metricSource, groups.canaryGroup), { fetch });
  const start = new Date(window.startMs);
  const end = new Date(window.endMs);
  const samples: Record<string, MetricSamples> = {};
  for (const metric of fields.canaryConfig.metrics) {
    const [baseline, canary] = await Promise.all([
      source.fetch({ metric, scope: groups.baseline, role: 'baseline', start, end, stepSec: fields.stepSec }),
      source.fetch({ metric, scope: groups.canary, role: 'canary', start, end, stepSec: fields.stepSec }),
    ]);
    samples[metric.name] = { baseline, canary };
  }
  return judge(fields.canaryConfig, samples);
}

/**
 * The local provider serves each cluster's proxy samples at a URL it reports on the server group;
 * a `localProxy` source without its own URL reads from there.
 */
function sourceConfig(config: CanaryFields['metricSource'], canary: ServerGroup | null): CanaryFields['metricSource'] {
  if (config.type !== 'localProxy' || config.url !== undefined) return config;
  const samplesUrl = canary?.details?.samplesUrl;
  if (typeof samplesUrl !== 'string') {
    throw new TaskFailure('metricSource localProxy has no url and the judged server group reports no samplesUrl (is it on a local account?)');
  }
  return { ...config, url: samplesUrl };
}
