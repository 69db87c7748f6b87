import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPortFree } from '@gantry/providers/local/ports';
import { isAlive } from '@gantry/providers/local/processes';
import { AGENT_FILE, readAgentFile } from '@gantry/providers/local/protocol';
import { writeFileAtomic } from '@gantry/providers/local/state';
import { createAdminServer } from './adminApi';
import { LocalAgent } from './LocalAgent';

/**
 * The local agent process: `node --import tsx apps/local-agent/src/main.ts --data-dir DIR`, started detached by the
 * local provider, one per data dir. It outlives the Gantry process that started it, so the
 * cluster proxies keep serving while Gantry restarts.
 */
const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
const dataDir = resolve(values['data-dir'] ?? '.');
const agentFile = join(dataDir, AGENT_FILE);
const log = (message: string) => console.log(`${new Date().toISOString()} [agent ${process.pid}] ${message}`);

const previous = readAgentFile(agentFile);
if (previous && previous.pid !== process.pid && isAlive(previous.pid)) {
  log(`agent ${previous.pid} already serves ${dataDir}; exiting`);
  process.exit(0);
}

const agent = new LocalAgent({ dataDir, log });
const token = randomBytes(24).toString('hex');
const startedAt = new Date().toISOString();
let port = 0;

const server = createAdminServer({
  agent,
  token,
  faults: process.env.GANTRY_LOCAL_AGENT_FAULTS === '1',
  info: () => ({ pid: process.pid, port, startedAt, dataDir }),
  shutdown: (stopInstances) => void stop(stopInstances),
});

await agent.restore();
const wanted = agent.previousAdminPort();
const listenPort = wanted !== null && (await isPortFree(wanted)) ? wanted : 0;
await new Promise<void>((done) => server.listen({ port: listenPort, host: '127.0.0.1' }, done));
port = (server.address() as AddressInfo).port;
agent.setAdminPort(port);
writeFileAtomic(agentFile, JSON.stringify({ pid: process.pid, port, token, startedAt }));
log(`listening on 127.0.0.1:${port} for ${dataDir}`);

let stopping = false;
async function stop(stopInstances: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`stopping${stopInstances ? ' with every instance' : ' (instances keep running and are re-adopted by the next agent)'}`);
  server.close();
  await agent.close(stopInstances);
  if (readAgentFile(agentFile)?.pid === process.pid) rmSync(agentFile, { force: true });
  process.exit(0);
}

process.on('SIGTERM', () => void stop(false));
process.on('SIGINT', () => void stop(false));
