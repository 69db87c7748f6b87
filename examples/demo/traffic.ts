import { Agent, request } from 'node:http';

/**
 * Steady HTTP traffic to one URL, as users would send it: `rate` GETs per second over keep-alive
 * connections, each counted by outcome and by the version that answered. The demo's claim — no
 * request fails while Gantry deploys, judges and rolls back — is checked against these counts.
 */
export interface TrafficCounts {
  sent: number;
  ok: number;
  failed: number;
  /** Answers by the `version` field of the app's JSON. */
  byVersion: Record<string, number>;
  /** The first few failures, for the log. */
  failures: string[];
}

const MAX_FAILURES_KEPT = 10;
const TICK_MS = 10;
const TIMEOUT_MS = 10_000;

export class SteadyTraffic {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly counts: TrafficCounts = { sent: 0, ok: 0, failed: 0, byVersion: {}, failures: [] };
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private started = 0;

  constructor(
    private readonly url: string,
    private readonly rate: number,
  ) {}

  start(): void {
    this.started = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops sending and waits for the requests in flight. */
  async stop(): Promise<TrafficCounts> {
    clearInterval(this.timer);
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    this.agent.destroy();
    return this.snapshot();
  }

  snapshot(): TrafficCounts {
    return { ...this.counts, byVersion: { ...this.counts.byVersion }, failures: [...this.counts.failures] };
  }

  private tick(): void {
    // Catch up to the rate since the start, so a slow tick does not lower the rate.
    const due = Math.floor(((Date.now() - this.started) / 1000) * this.rate) - this.counts.sent;
    for (let i = 0; i < due; i++) this.send();
  }

  private send(): void {
    this.counts.sent++;
    this.inFlight++;
    let settled = false;
    // A response and its request can both report an error; each request counts once.
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.inFlight--;
      return true;
    };
    const fail = (reason: string) => {
      if (!settle()) return;
      this.counts.failed++;
      if (this.counts.failures.length < MAX_FAILURES_KEPT) this.counts.failures.push(reason);
    };
    const req = request(this.url, { agent: this.agent, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
        if (!settle()) return;
        this.counts.ok++;
        const version = versionOf(Buffer.concat(chunks).toString());
        this.counts.byVersion[version] = (this.counts.byVersion[version] ?? 0) + 1;
      });
      res.on('error', (error) => fail(error.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error) => fail(error.message));
    req.end();
  }
}

function versionOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
