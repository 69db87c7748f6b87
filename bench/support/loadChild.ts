import autocannon from 'autocannon';
import { distribution, round } from '../lib/stats';
import { sleep } from '../lib/time';
import { loadReportSchema, loadSpecSchema, type LoadReport } from './loadSpec';

/**
 * Load generator in its own process, so its CPU does not stall the API's event loop it measures.
 *
 * autocannon paces a rate as a per-second budget per connection: every connection sends its share
 * back-to-back when each second starts, then idles. To come closer to a steady arrival rate, the
 * rate is split over `lanes` autocannon instances started 1/lanes s apart: bursts of rate/lanes
 * every 1/lanes s instead of one burst of `rate` per second. Latencies are taken from each
 * response event; autocannon's coordinated-omission correction is off because it assumes a 1 ms
 * request interval (ceil(1/rate) in its code), which would add made-up samples.
 */
const spec = loadSpecSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const latencies: number[] = [];
const statusCodes: Record<string, number> = {};

function lane(rate: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method,
        body: spec.body,
        headers: spec.headers,
        connections: spec.connectionsPerLane,
        overallRate: rate,
        duration: spec.durationSeconds,
        ignoreCoordinatedOmission: true,
        timeout: 10,
      },
      (error: Error | null, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}

const started = performance.now();
const runs: Promise<autocannon.Result>[] = [];
for (let i = 0; i < spec.lanes; i++) {
  // Rates that do not divide evenly go to the first lanes, so the total is exact.
  const share = Math.floor(spec.rate / spec.lanes) + (i < spec.rate % spec.lanes ? 1 : 0);
  if (share > 0) runs.push(lane(share));
  await sleep(1000 / spec.lanes);
}
const results = await Promise.all(runs);
const elapsedSeconds = (performance.now() - started) / 1000;

const sum = (pick: (result: autocannon.Result) => number) => results.reduce((total, result) => total + pick(result), 0);
const report: LoadReport = {
  requests: sum((r) => r.requests.sent),
  responses: latencies.length,
  status2xx: sum((r) => r['2xx']),
  non2xx: sum((r) => r.non2xx),
  errors: sum((r) => r.errors),
  timeouts: sum((r) => r.timeouts),
  statusCodes,
  elapsedSeconds: round(elapsedSeconds),
  // autocannon's own measure: mean responses per second of each lane, added up over the lanes.
  throughput: round(sum((r) => r.requests.average), 1),
  latencyMs: distribution(latencies),
};
process.stdout.write(`${JSON.stringify(loadReportSchema.parse(report))}\n`);
