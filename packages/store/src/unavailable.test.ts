import { describe, expect, it } from 'vitest';
import { failedForDatabase, isDatabaseUnavailable } from './unavailable';

const withCode = (message: string, code: string, extra: object = {}) => Object.assign(new Error(message), { code, ...extra });

describe('isDatabaseUnavailable', () => {
  it('recognises an outage as node-postgres reports it: socket codes, SQLSTATEs, and the code-less "terminated" errors', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it("recognises Prisma's codes and its driver adapter's classification, and looks through causes and AggregateErrors", () => {
    expect(isDatabaseUnavailable(withCode("Can't reach database server", 'P1001'))).toBe(true);
    const adapter = withCode('raw query failed', 'P2010', { meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } });
    expect(isDatabaseUnavailable(adapter)).toBe(true);
    expect(isDatabaseUnavailable(withCode('x', 'P2036', { meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('could not read', { cause: withCode('gone', '57P01') }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('refused', 'ECONNREFUSED')]))).toBe(true);
  });

  it('leaves bugs and bad input alone', () => {
    expect(isDatabaseUnavailable(withCode('invalid input syntax for type uuid', '22P02'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('duplicate key', '23505'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('Unique constraint failed', 'P2002'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });

  it('leaves out socket errors when asked: a task calling a cloud may see its endpoint refuse', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 10.0.0.1:443', 'ECONNREFUSED'), { socketErrors: false })).toBe(false);
    expect(isDatabaseUnavailable(withCode('terminating connection', '57P01'), { socketErrors: false })).toBe(true);
  });
});

describe('failedForDatabase', () => {
  const up = { query: () => Promise.resolve({}) };
  const down = { query: () => Promise.reject(withCode('connect ECONNREFUSED', 'ECONNREFUSED')) };
  const refused = withCode('connect ECONNREFUSED 10.0.0.1:443', 'ECONNREFUSED');

  it("blames PostgreSQL for a refused socket only when PostgreSQL does not answer either", async () => {
    expect(await failedForDatabase(refused, up)).toBe(false);
    expect(await failedForDatabase(refused, down)).toBe(true);
    expect(await failedForDatabase(withCode('terminating connection', '57P01'), up)).toBe(true);
    expect(await failedForDatabase(new Error('HTTP 500 from the webhook'), down)).toBe(false);
  });
});
