import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { RequestLog, closeServer, listenLocal } from '../httpServer';

/**
 * Spinnaker's Gate, for `gantry import spinnaker`: answers GET requests with the documents it
 * holds, byte for byte (the real Gate JSON under test/fixtures/gate), 404 for any other path, and
 * 401 in Gate's Spring error shape unless the request carries the credentials it was started with.
 * In X.509 mode it speaks TLS (test/fakes/gate/tls: a test CA, its server and client certificates)
 * and, like Gate's x509 port, asks every client for a certificate and refuses one the CA did not sign.
 * Tests change a document (`setDocument`) to play a save made in Spinnaker between two imports.
 */
export type GateAuth =
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'cookie'; name: string; value: string }
  | { kind: 'x509' };

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
/** The test CA, the fake's certificate and the client certificates (see tls/README.md). */
export const GATE_TLS_DIR = fileURLToPath(new URL('./tls/', import.meta.url));

/** A fixture's exact bytes. */
export function gateFixture(file: string): string {
  return readFileSync(`${FIXTURES}${file}`, 'utf8');
}

function authorized(auth: GateAuth, req: IncomingMessage): boolean {
  const { headers } = req;
  switch (auth.kind) {
    case 'x509':
      return (req.socket as TLSSocket).authorized;
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
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://gate').pathname;
    log.add({ path, authorization: req.headers.authorization });
    const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (!authorized(auth, req)) {
      return send(401, JSON.stringify({ timestamp: Date.now(), status: 401, error: 'Unauthorized', message: 'Full authentication is required to access this resource', path }));
    }
    const body = req.method === 'GET' ? served.get(path) : undefined;
    if (body === undefined) return send(404, JSON.stringify({ timestamp: Date.now(), status: 404, error: 'Not Found', message: 'No message available', path }));
    return send(200, body);
  };
  const tls = (file: string) => readFileSync(`${GATE_TLS_DIR}${file}`, 'utf8');
  const server =
    auth.kind === 'x509'
      ? createTlsServer({ key: tls('gate.key'), cert: tls('gate.pem'), ca: tls('ca.pem'), requestCert: true, rejectUnauthorized: false }, handler)
      : createServer(handler);
  const port = await listenLocal(server, 0);
  return {
    url: `${auth.kind === 'x509' ? 'https' : 'http'}://127.0.0.1:${port}`,
    setDocument: (path, body) => void served.set(path, body),
    document: (path) => served.get(path),
    requests: () => log.copies(),
    close: () => closeServer(server),
  };
}
