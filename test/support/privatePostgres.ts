import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../packages/providers/src/local/ports';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (the machine's PostgreSQL binaries, a throw-away cluster on
 * a free port), for tests that restart or stop the database: the shared server is never touched.
 */
export interface PrivatePostgres {
  /** A connection string for the `postgres` database (trust authentication). */
  url: string;
  /** Creates a database on the server; resolves to its connection string. */
  createDatabase(name: string): Promise<string>;
  port: number;
  /** `pg_ctl restart -m fast`: every connection is cut ("terminating connection due to administrator command"). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its cluster. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'gantry-pg-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` OS user then.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    await chmod(dir, 0o700);
  }
  const pgTool = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  await pgTool('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctl = (...args: string[]) => pgTool('pg_ctl', ['-D', dataDir, '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);
  const start = () => ctl('-o', options, 'start').then(() => undefined);
  const stop = () => ctl('-m', 'fast', 'stop').then(() => undefined);
  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const urlOf = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return {
    url: urlOf('postgres'),
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    start,
    stop,
    restart: () => ctl('-m', 'fast', '-o', options, 'restart').then(() => undefined),
    async destroy() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBinDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [])).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return join('/usr/lib/postgresql', versions[0]!, 'bin');
}
