/** What every fake's node:http server does alike: listening on 127.0.0.1, closing, request bodies, its request log. */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port` (0: a free one) and returns the port. */
export async function listenLocal(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting, drops kept-alive connections, and resolves once closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** The whole request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The last 1000 requests a fake answered, oldest first, for tests and debugging. */
export class RequestLog<Entry extends object> {
  private static readonly MAX_ENTRIES = 1000;
  private readonly entries: Entry[] = [];

  add(entry: Entry): void {
    this.entries.push(entry);
    if (this.entries.length > RequestLog.MAX_ENTRIES) this.entries.shift();
  }

  /** Copies, so a test cannot change the log. */
  copies(): Entry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }
}
