import pg from 'pg';

/**
 * Counts every SQL statement this process sends (the engine's, Prisma's and the BullMQ PostgreSQL
 * backend's: all go through pg.Client#query) with its time to answer. A diagnostic for `--census`
 * only: it tells which statements a transition costs, where a CPU profile only shows socket writes.
 */
interface Entry {
  calls: number;
  totalMs: number;
}

const entries = new Map<string, Entry>();
let installed = false;

type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;

export function installQueryCensus(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  proto.query = function census(this: pg.Client, ...args: unknown[]): unknown {
    const key = statementKey(args[0]);
    const started = performance.now();
    const record = () => {
      const entry = entries.get(key) ?? { calls: 0, totalMs: 0 };
      entry.calls++;
      entry.totalMs += performance.now() - started;
      entries.set(key, entry);
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = function (this: unknown, ...results: unknown[]) {
        record();
        return Reflect.apply(last, this, results);
      };
      return Reflect.apply(original, this, args);
    }
    const result = Reflect.apply(original, this, args);
    if (result instanceof Promise) result.then(record, record);
    return result;
  };
}

export function resetQueryCensus(): void {
  entries.clear();
}

export function queryCensusReport(top = 25): string {
  const all = [...entries];
  const calls = all.reduce((sum, [, e]) => sum + e.calls, 0);
  const lines = all
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, top)
    .map(([key, e]) => `${String(e.calls).padStart(8)} ${(e.totalMs / e.calls).toFixed(2).padStart(7)} ms  ${key}`);
  return [`${calls} statements, ${entries.size} distinct; top ${top} by count (calls, mean time to answer, SQL):`, ...lines].join('\n');
}

function statementKey(first: unknown): string {
  const text =
    typeof first === 'string'
      ? first
      : typeof first === 'object' && first !== null && typeof (first as { text?: unknown }).text === 'string'
        ? (first as { text: string }).text
        : String(first);
  return text.replace(/\s+/g, ' ').trim().slice(0, 140);
}
