import { createServer } from 'node:http';
import { closeServer, listenLocal } from '../httpServer';

/**
 * A Prometheus HTTP API that answers `GET /api/v1/query_range` (the only call the canary's
 * prometheus source makes) from a generator per server group, so canary tests control exactly
 * how baseline and canary behave. The server group is read from the query's
 * `server_group="…"` matcher, as a templated canary query names it, or by the test's `scopeOf`
 * (a Kayenta config's own template names it otherwise). `step` is seconds or a duration (`60s`,
 * `1m`), as Prometheus accepts.
 */
export type SeriesGenerator = (serverGroup: string, index: number, metric: string) => number;

export interface FakePrometheus {
  url: string;
  /** Replaces the generator for later queries. */
  setSeries(generator: SeriesGenerator): void;
  /** The queries received, in order. */
  queries(): string[];
  close(): Promise<void>;
}

const SERVER_GROUP = /server_group="([^"]+)"/;
const METRIC = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

function stepSeconds(text: string | null): number {
  const match = DURATION.exec(text ?? '');
  return match === null ? Number.NaN : Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']!;
}

export async function startFakePrometheus(generator: SeriesGenerator, options: { scopeOf?: (query: string) => string | undefined } = {}): Promise<FakePrometheus> {
  const scopeOf = options.scopeOf ?? ((query: string) => SERVER_GROUP.exec(query)?.[1]);
  let generate = generator;
  const received: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v1/query_range') return send(404, { status: 'error', errorType: 'not_found', error: `no route ${url.pathname}` });
    const query = url.searchParams.get('query') ?? '';
    const [start, end] = ['start', 'end'].map((name) => Number(url.searchParams.get(name)));
    const step = stepSeconds(url.searchParams.get('step'));
    if (![start, end, step].every((value) => Number.isFinite(value)) || step <= 0 || end! < start!) {
      return send(400, { status: 'error', errorType: 'bad_data', error: 'invalid start, end or step' });
    }
    received.push(query);
    const serverGroup = scopeOf(query);
    if (serverGroup === undefined) return send(200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    const metric = METRIC.exec(query)?.[1] ?? 'metric';
    const values: [number, string][] = [];
    for (let t = start!, i = 0; t <= end!; t += step, i++) values.push([t, String(generate(serverGroup, i, metric))]);
    send(200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: metric, server_group: serverGroup }, values }] } });
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
