/**
 * Whether an error means PostgreSQL could not be reached (stopped, restarting, failing over, a
 * connection cut under a query) rather than a bug or bad input. Such a failure is worth retrying
 * for as long as the outage lasts: the API answers 503, the engine redelivers the message.
 *
 * `socketErrors: false` leaves out refused/reset/timed-out sockets, which are ambiguous for code
 * that talks to other services as well.
 *
 * It recognises the three shapes the same outage takes here: node-postgres errors (a socket code,
 * a SQLSTATE, or a bare "Connection terminated" with no code), Prisma's (P1001…, with the driver
 * adapter's classification in `meta`), and wrappers (`cause`, AggregateError).
 */
export function isDatabaseUnavailable(error: unknown, options: { socketErrors?: boolean } = {}): boolean {
  const socketErrors = options.socketErrors ?? true;
  return someInChain(error, (candidate) => {
    const code = property(candidate, 'code');
    if (typeof code === 'string' && ((socketErrors && SOCKET_CODES.has(code)) || isUnavailableSqlState(code) || PRISMA_CODES.has(code))) {
      return true;
    }
    const adapterKind = property(property(property(candidate, 'meta'), 'driverAdapterError'), 'cause');
    const kind = property(adapterKind, 'kind');
    if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
    if (kind === 'postgres' && isUnavailableSqlState(String(property(adapterKind, 'code')))) return true;
    const message = property(candidate, 'message');
    return typeof message === 'string' && DRIVER_MESSAGES.test(message);
  });
}

/**
 * Whether a failure of work that uses PostgreSQL among other services (a task calling a cloud and
 * reading executions) is PostgreSQL's: a socket error alone may be the other service's, so it
 * counts only when PostgreSQL does not answer now either.
 */
export async function failedForDatabase(error: unknown, pool: { query(sql: string): Promise<unknown> }): Promise<boolean> {
  if (isDatabaseUnavailable(error, { socketErrors: false })) return true;
  if (!isDatabaseUnavailable(error)) return false;
  return pool.query('SELECT 1').then(
    () => false,
    (probeError: unknown) => isDatabaseUnavailable(probeError),
  );
}

/** A refused, reset or timed-out connection, or a database host that (for now) does not resolve. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * SQLSTATE class 08 (connection exception), 57P01 admin shutdown ("terminating connection due to
 * administrator command"), 57P02 crash shutdown, 57P03 cannot connect now ("the database system is
 * starting up / shutting down"), 53300 too many connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** Prisma: can't reach the server, timed out, operations timed out, server closed the connection. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);

const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** node-postgres reports a connection lost mid-session without a code. */
const DRIVER_MESSAGES =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)$/;

function someInChain(error: unknown, test: (candidate: unknown) => boolean, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 8) return false;
  if (test(error)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => someInChain(inner, test, depth + 1))) return true;
  return someInChain((error as { cause?: unknown }).cause, test, depth + 1);
}

function property(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}
