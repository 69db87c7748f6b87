import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { RequestLog, closeServer, listenLocal } from '../httpServer';

/**
 * Spinnaker's Gate, for `gantry import spinnaker`: answers GET requests with the documents it
 * holds, byte for byte (the real Gate JSON under test/fixtures/gate), 404 for any other path, and
 * 401 in Gate's Spring error shape unless the request carries the credentials it was started with.
 * Tests change a document (`setDocument`) to play a save made in Spinnaker between two imports.
 */
export type GateAuth = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string } | { kind: 'cookie'; name: string; value: string };

export interface FakeGate {
  url: string;
  /** Serves `body` (JSON text) at `path` from now on. */
  setDocument(path: string, body: string): void;
  document(path: string): string | undefined;
  /** Paths requested, with the Authorization header each carried. */
  requests(): { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/gate/', import.meta.url));

/** A fixture's exact bytes. */
export function gateFixture(file: string): string {
  return readFileSync(`${FIXTURES}${file}`, 'utf8');
}

function authorized(auth: GateAuth, headers: { authorization?: string | undefined; cookie?: string | undefined }): boolean {
  switch (auth.kind) {
    case 'basic':
      return headers.authorization === `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    case 'bearer':
      return headers.authorization === `Bearer ${auth.token}`;
    case 'cookie':
      return (headers.cookie ?? '').split(/;\s*/).includes(`${auth.name}=${auth.value}`);
  }
}

export async function startFakeGate(auth: GateAuth, documents: Record<string, string>): Promise<FakeGate> {
  const served = new Map(Object.entries(documents));
  const log = new RequestLog<{ path: string; authorization: string | undefined }>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://gate').pathname;
    log.add({ path, authorization: req.headers.authorization });
    const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (!authorized(auth, req.headers)) {
      return send(401, JSON.stringify({ timestamp: Date.now(), status: 401, error: 'Unauthorized', message: 'Full authentication is required to access this resource', path }));
    }
    const body = req.method === 'GET' ? served.get(path) : undefined;
    if (body === undefined) return send(404, JSON.stringify({ timestamp: Date.now(), status: 404, error: 'Not Found', message: 'No message available', path }));
    return send(200, body);
  });
  const port = await listenLocal(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    setDocument: (path, body) => void served.set(path, body),
    document: (path) => served.get(path),
    requests: () => log.copies(),
    close: () => closeServer(server),
  };
}
