import { createServer } from 'node:http';
import { closeServer, listenLocal } from '../httpServer';

/**
 * New Relic's Insights query API as Kayenta calls it: `GET /v1/accounts/{accountId}/query?nrql=`
 * authenticated by the `X-Query-Key` header. A `TIMESERIES <n> seconds` (or `MAX`) query with
 * `SINCE <epoch> UNTIL <epoch>` is answered in Insights' shape: `timeSeries[]` buckets with
 * `results: [{<function>: value}]`, `beginTimeSeconds`, `endTimeSeconds`, `inspectedCount`, and
 * `metadata` with `beginTimeMillis`/`endTimeMillis`. The scope is the value of
 * `<scopeKey> LIKE '<scope>'`; a generator answering undefined makes an empty bucket (no events
 * inspected). A wrong key gets 401 `{"error": …}`; an NRQL without those clauses gets 400.
 */
export type NewRelicGenerator = (scope: string, index: number, select: string) => number | undefined;

export interface FakeNewRelic {
  url: string;
  setSeries(generator: NewRelicGenerator): void;
  /** The NRQL received, in order. */
  queries(): string[];
  close(): Promise<void>;
}

const MAX_BUCKETS = 366;

export async function startFakeNewRelic(options: { accountId: string; queryKey: string; scopeKey: string; generator: NewRelicGenerator }): Promise<FakeNewRelic> {
  let generate = options.generator;
  const received: string[] = [];
  const scopePattern = new RegExp(`${options.scopeKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} LIKE '([^']*)'`);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://insights');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = /^\/v1\/accounts\/([^/]+)\/query$/.exec(url.pathname);
    if (req.method !== 'GET' || path === null) return send(404, { error: 'Not found' });
    if (path[1] !== options.accountId || req.headers['x-query-key'] !== options.queryKey) return send(401, { error: 'Invalid query key' });
    const nrql = url.searchParams.get('nrql') ?? '';
    received.push(nrql);
    const window = /SINCE (\d+) UNTIL (\d+)/.exec(nrql);
    const timeseries = /TIMESERIES (?:(\d+) seconds|MAX)/.exec(nrql);
    const select = /^SELECT\s+(.+?)\s+FROM\s/i.exec(nrql);
    if (window === null || timeseries === null || select === null) return send(400, { error: `NRQL Syntax Error: ${nrql.slice(0, 80)}` });
    const since = Number(window[1]);
    const until = Number(window[2]);
    const stepSec = timeseries[1] === undefined ? Math.max(60, Math.ceil((until - since) / MAX_BUCKETS)) : Number(timeseries[1]);
    const selectText = select[1]!;
    const fn = /^([a-zA-Z]+)\(/.exec(selectText)?.[1] ?? 'value';
    const scope = scopePattern.exec(nrql)?.[1] ?? '';
    const buckets = [];
    for (let begin = since, index = 0; begin < until; begin += stepSec, index++) {
      const value = generate(scope, index, selectText);
      buckets.push({ results: [{ [fn]: value ?? null }], beginTimeSeconds: begin, endTimeSeconds: Math.min(until, begin + stepSec), inspectedCount: value === undefined ? 0 : 100 });
    }
    send(200, {
      timeSeries: buckets,
      total: { results: [{ [fn]: null }], beginTimeSeconds: since, endTimeSeconds: until, inspectedCount: 0 },
      metadata: { beginTime: new Date(since * 1000).toISOString(), endTime: new Date(until * 1000).toISOString(), beginTimeMillis: since * 1000, endTimeMillis: until * 1000, bucketSizeMillis: stepSec * 1000, accountId: Number(options.accountId) },
    });
  });
  const port = await listenLocal(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    setSeries: (next) => {
      generate = next;
    },
    queries: () => [...received],
    close: () => closeServer(server),
  };
}
