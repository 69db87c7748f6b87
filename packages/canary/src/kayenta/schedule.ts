/**
 * When a `kayentaCanary` stage judges, over which windows, and what its scores mean: Orca's
 * KayentaCanaryContext, RunCanaryIntervalsStage, MonitorKayentaCanaryTask and
 * AggregateCanaryResultsTask, as pure functions so the stage's tasks can poll towards absolute
 * instants (a crash-resumed worker finds the same schedule) instead of Orca's chain of wait stages.
 */

const MINUTE_MS = 60_000;

/**
 * Java's `Duration.parse` for the forms Spinnaker's UI writes (`PT1H`, `PT0H5M`, `P1DT2H30M`,
 * `PT90S`, `PT0.5S`), in milliseconds; undefined when `text` is not such a duration. Negative
 * parts are refused: a canary's lifetime is never negative.
 */
export function parseIsoDurationMs(text: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const [, days, hours, minutes, seconds, fraction] = match;
  // "P" or "PT" alone match the pattern but Java rejects them: at least one part is required.
  if ([days, hours, minutes, seconds].every((part) => part === undefined)) return undefined;
  if (/T$/i.test(text.trim())) return undefined;
  const n = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  const fractionMs = fraction === undefined || fraction === '' ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return ((n(days) * 24 + n(hours)) * 60 + n(minutes)) * MINUTE_MS + n(seconds) * 1000 + fractionMs;
}

export interface KayentaScheduleInput {
  /** The lifetime (`lifetimeDuration`, or `lifetimeHours` in ms); ignored when `endMs` is given. */
  lifetimeMs?: number;
  /** `canaryAnalysisIntervalMins`; absent or 0 means one interval over the whole lifetime. */
  intervalMins?: number;
  /** `beginCanaryAnalysisAfterMins` (default 0). */
  beginAfterMins?: number;
  /** `lookbackMins` (default 0): when > 0 each window is only the last `lookbackMins` before its end. */
  lookbackMins?: number;
  /** The first scope's `startTimeIso`, in ms. */
  startMs?: number;
  /** The first scope's `endTimeIso`, in ms: a retrospective analysis of a past window. */
  endMs?: number;
}

export interface KayentaInterval {
  /** 1-based, as Orca names its "Run Canary #n" stages. */
  index: number;
  /** The window Kayenta is asked to judge (control and experiment alike). */
  startMs: number;
  endMs: number;
  /** Not before this instant may the interval run (its data must exist): the window's end in real time, the stage's start retrospectively. */
  notBeforeMs: number;
}

export type KayentaSchedule = { ok: true; intervals: KayentaInterval[] } | { ok: false; field: string; message: string };

const wholeMinutes = (ms: number) => Math.trunc(ms / MINUTE_MS);

/**
 * Orca's intervals, computed once when the stage starts (`stageStartMs`, Orca's `Instant.now()`).
 * Real time: interval i covers [start + warmup, start + warmup + i·interval] (or its last
 * `lookback`), and cannot run before that window has ended. Retrospective (an end time): the
 * lifetime is the whole minutes from start to end, windows are [start, start + i·interval] and
 * nothing waits. The count is whole lifetime minutes over whole interval minutes, as Orca's
 * `toMinutes()` division; an interval longer than the lifetime shrinks to it. Where Orca would
 * build zero intervals and then fail on an empty score list, this names the field instead.
 */
export function kayentaSchedule(input: KayentaScheduleInput, stageStartMs: number): KayentaSchedule {
  const startMs = input.startMs ?? stageStartMs;
  let lifetimeMs: number;
  if (input.endMs !== undefined) {
    lifetimeMs = wholeMinutes(input.endMs - startMs) * MINUTE_MS;
    if (lifetimeMs <= 0) return { ok: false, field: 'canaryConfig.scopes[0].endTimeIso', message: 'must be at least one minute after the start time' };
  } else if (input.lifetimeMs !== undefined) {
    lifetimeMs = input.lifetimeMs;
  } else {
    return { ok: false, field: 'canaryConfig.lifetimeDuration', message: 'a canary needs lifetimeDuration (or lifetimeHours) or a scope endTimeIso' };
  }
  let intervalMs = (input.intervalMins ?? 0) * MINUTE_MS;
  if (intervalMs === 0 || intervalMs > lifetimeMs) intervalMs = lifetimeMs;
  const intervalMinutes = wholeMinutes(intervalMs);
  if (intervalMinutes === 0) return { ok: false, field: 'canaryConfig.lifetimeDuration', message: 'the lifetime must be at least one minute' };
  const count = Math.trunc(wholeMinutes(lifetimeMs) / intervalMinutes);
  const warmupMs = (input.beginAfterMins ?? 0) * MINUTE_MS;
  const lookbackMs = (input.lookbackMins ?? 0) * MINUTE_MS;
  const realTime = input.endMs === undefined;
  const intervals: KayentaInterval[] = [];
  for (let index = 1; index <= count; index++) {
    const endMs = startMs + (realTime ? warmupMs : 0) + index * intervalMs;
    const fullStartMs = realTime ? startMs + warmupMs : startMs;
    const windowStartMs = lookbackMs > 0 ? endMs - lookbackMs : fullStartMs;
    intervals.push({ index, startMs: windowStartMs, endMs, notBeforeMs: realTime ? endMs : stageStartMs });
  }
  return { ok: true, intervals };
}

/** `scoreThresholds` as a pipeline carries them: either may be missing or null (the codelab's are both null). */
export interface KayentaStageThresholds {
  marginal?: number | null;
  pass?: number | null;
}

export type KayentaOutcome = { status: 'continue' | 'succeeded' | 'failed'; message?: string };

/**
 * After one interval (MonitorKayentaCanaryTask): a score at or below `marginal` ends the stage
 * there; without a marginal threshold every interval goes on.
 */
export function kayentaIntervalOutcome(score: number, thresholds: KayentaStageThresholds | undefined): KayentaOutcome {
  const marginal = thresholds?.marginal;
  if (marginal === undefined || marginal === null) return { status: 'continue', message: 'No marginal score threshold was specified.' };
  if (score <= marginal) return { status: 'failed', message: `Canary score ${score} is not above the marginal score threshold ${marginal}.` };
  return { status: 'continue' };
}

/** After the last interval (AggregateCanaryResultsTask): its score against `marginal`, then `pass`. */
export function kayentaFinalOutcome(scores: readonly number[], thresholds: KayentaStageThresholds | undefined): KayentaOutcome {
  const final = scores[scores.length - 1];
  if (final === undefined) throw new RangeError('no interval was judged');
  const marginal = thresholds?.marginal ?? null;
  const pass = thresholds?.pass ?? null;
  if (marginal === null && pass === null) return { status: 'succeeded', message: 'No score thresholds were specified.' };
  if (marginal !== null && final <= marginal) return { status: 'failed', message: `Final canary score ${final} is not above the marginal score threshold ${marginal}.` };
  if (pass === null) return { status: 'succeeded', message: 'No pass score threshold was specified.' };
  if (final < pass) return { status: 'failed', message: `Final canary score ${final} is below the pass score threshold ${pass}.` };
  return { status: 'succeeded', message: `Final canary score ${final} met or exceeded the pass score threshold ${pass}.` };
}
