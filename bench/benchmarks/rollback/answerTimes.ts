import type { SteadyTraffic } from '../../../examples/demo/traffic';

/** When each version answered, in ms since the watch started (performance.now() clock). */
export interface VersionAnswers {
  first: number;
  last: number;
  count: number;
}

// SteadyTraffic counts answers but does not time them; sampling its counts this often times each
// answer to within about a millisecond plus event-loop lag, well below a rollback's duration.
const SAMPLE_EVERY_MS = 1;

/**
 * Watches which versions answer the load generator, from the moment `start()` is called: for each
 * version, its first and last answer since then. A rollback's switch, as users see it, is the
 * restored version's first answer and the rolled back version's last one.
 */
export class AnswerTimes {
  private readonly answers = new Map<string, VersionAnswers>();
  private previous: Record<string, number> = {};
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly traffic: SteadyTraffic) {}

  /** Starts the clock (the instant a rollback is requested) and the sampling. */
  start(): void {
    this.previous = this.traffic.snapshot().byVersion;
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  stop(): Map<string, VersionAnswers> {
    clearInterval(this.timer);
    this.sample();
    return new Map(this.answers);
  }

  /** Answers by `version` since `sinceMs` (on the watch's clock): a settle window's check. */
  answeredSince(version: string, sinceMs: number): boolean {
    const seen = this.answers.get(version);
    return seen !== undefined && seen.last >= sinceMs;
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  private sample(): void {
    const now = this.elapsedMs();
    const counts = this.traffic.snapshot().byVersion;
    for (const [version, count] of Object.entries(counts)) {
      const more = count - (this.previous[version] ?? 0);
      if (more <= 0) continue;
      const seen = this.answers.get(version);
      if (seen === undefined) this.answers.set(version, { first: now, last: now, count: more });
      else this.answers.set(version, { first: seen.first, last: now, count: seen.count + more });
    }
    this.previous = counts;
  }
}
