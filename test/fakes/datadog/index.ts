import { createServer } from 'node:http';
import { closeServer, listenLocal } from '../httpServer';

/**
 * Datadog's metrics query API as Kayenta calls it: `GET /api/v1/query?from=&to=&query=` (epoch
 * seconds) authenticated by the `DD-API-KEY` and `DD-APPLICATION-KEY` headers, answering
 * Datadog's time series JSON (`series[]` with `pointlist` of [ms, value], `start`/`end` in ms,
 * `interval` in seconds). Points come from a generator per scope (the text between the query's
 * braces, Kayenta's `metricName{scope}`); a generator answering undefined leaves a gap, as
 * Datadog's sparse answers do. Wrong keys get 403 `{"errors": ["Forbidden"]}`.
 */
export type DatadogGenerator = (scope: string, index: number, metric: string) => number | null | undefined;

export interface FakeDatadog {
  url: string;
  setSeries(generator: DatadogGenerator): void;
  /** The queries received, in order. */
  queries(): string[];
  close(): Promise<void>;
}

const INTERVAL_SECONDS = 60;
const QUERY = /^(?:[a-z]+:)?([A-Za-z0-9_.]+)\{([^}]*)\}/;

export async function startFakeDatadog(options: { apiKey: string; applicationKey: string; generator: DatadogGenerator }): Promise<FakeDatadog> {
  let generate = options.generator;
  const received: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://datadog');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/api/v1/query') return send(404, { errors: ['Not found'] });
    if (req.headers['dd-api-key'] !== options.apiKey || req.headers['dd-application-key'] !== options.applicationKey) return send(403, { errors: ['Forbidden'] });
    const query = url.searchParams.get('query');
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    if (query === null || query === '') return send(400, { errors: ["The value provided for parameter 'query' is invalid"] });
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) return send(400, { errors: ["The value provided for parameter 'from' or 'to' is invalid"] });
    received.push(query);
    const parsed = QUERY.exec(query);
    const base = { status: 'ok', res_type: 'time_series', resp_version: 1, query, from_date: from * 1000, to_date: to * 1000, group_by: [], message: '', values: [], times: [] };
    if (parsed === null) return send(400, { errors: [`Error parsing query: unable to parse ${query}`] });
    const [, metric, scope] = parsed as unknown as [string, string, string];
    const pointlist: [number, number | null][] = [];
    const firstMs = Math.ceil(from / INTERVAL_SECONDS) * INTERVAL_SECONDS * 1000;
    for (let time = firstMs, index = 0; time <= to * 1000; time += INTERVAL_SECONDS * 1000, index++) {
      const value = generate(scope, index, metric);
      if (value !== undefined) pointlist.push([time, value]);
    }
    if (pointlist.length === 0) return send(200, { ...base, series: [] });
    send(200, {
      ...base,
      series: [
        {
          metric,
          display_name: metric,
          scope,
          expression: query,
          pointlist,
          start: pointlist[0]![0],
          end: pointlist[pointlist.length - 1]![0],
          interval: INTERVAL_SECONDS,
          length: pointlist.length,
          aggr: null,
          unit: null,
          tag_set: scope.split(',').filter((tag) => tag !== '*'),
        },
      ],
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
