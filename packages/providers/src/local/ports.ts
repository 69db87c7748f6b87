import { createServer, type AddressInfo } from 'node:net';

export interface PortRange {
  from: number;
  to: number;
}

/**
 * Where a cluster's proxy port comes from when the account names no portRange: below Linux's
 * ephemeral range (32768–60999), so that no outgoing connection can be using it as its local
 * port when a restarted agent binds it again.
 */
export const DEFAULT_PROXY_PORT_RANGE: PortRange = { from: 20000, to: 29999 };

/** Whether nothing listens on 127.0.0.1:port (by trying to listen there). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port nothing listens on now: any the system hands out, or one of `range` (tried from a random
 * start, so that concurrent callers rarely pick the same). `taken` are ports already promised to
 * someone who has not bound them yet.
 */
export async function freePort(range?: PortRange, taken: ReadonlySet<number> = new Set()): Promise<number> {
  if (range === undefined) {
    for (;;) {
      const port = await systemPort();
      if (!taken.has(port)) return port;
    }
  }
  const size = range.to - range.from + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = range.from + ((start + i) % size);
    if (!taken.has(port) && (await isPortFree(port))) return port;
  }
  throw new Error(`no free port in ${range.from}-${range.to}`);
}

function systemPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
