import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RoutedRequest } from '@gantry/providers';
import type { Instance } from './instance';
import type { ProxyMetrics } from './metrics';

export interface Target {
  serverGroup: string;
  instance: Instance;
}

/** Where the cluster's requests go; the agent answers from its live view of groups and weights. */
export interface ClusterRouter {
  /** The target of this request (its rules, then the cluster's weights), or undefined when no group in traffic has an up instance. */
  pick(request: RoutedRequest): Target | undefined;
  /** Another up instance for a request `failed` could not take: of the same group if it has one. */
  alternative(failed: Target): Target | undefined;
}

// Hop-by-hop headers belong to one connection, not to the request (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);
/** Requests that may be sent twice; they are retried once when the instance refused the connection. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * A cluster's reverse proxy on its stable port. Each request picks its target when it arrives, so a
 * weight change applies to the next request while requests already forwarded finish on the
 * instance they went to (the old group's instances stay up while disabled): a switch drops nothing.
 */
export class ClusterProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly cluster: string,
    private readonly router: ClusterRouter,
    private readonly metrics: ProxyMetrics,
  ) {}

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Rejects with EADDRINUSE when another process holds the port. */
  listen(port: number, host = '127.0.0.1'): Promise<void> {
    const server = createServer((request, response) => this.handle(request, response));
    server.keepAliveTimeout = 65_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, exclusive: true }, () => {
        server.off('error', reject);
        this.server = server;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, 5_000).unref();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const started = process.hrtime.bigint();
    const target = this.router.pick({ path: request.url ?? '/', headers: request.headers });
    if (!target) {
      this.answerError(response, 503, 'no server group of this cluster is in traffic with an up instance', '', started);
      request.resume();
      return;
    }
    this.forward(request, response, target, started, IDEMPOTENT.has(request.method ?? '') && !hasBody(request.headers));
  }

  private forward(request: IncomingMessage, response: ServerResponse, target: Target, started: bigint, mayRetry: boolean): void {
    const { instance } = target;
    instance.inFlight += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      instance.requestDone();
    };
    const upstream = httpRequest({
      host: '127.0.0.1',
      port: instance.port,
      method: request.method,
      path: request.url,
      headers: forwardedHeaders(request),
      agent: instance.httpAgent,
    });
    upstream.on('response', (answer) => {
      const code = answer.statusCode ?? 502;
      response.writeHead(code, answer.statusMessage, endToEnd(answer.headers));
      answer.pipe(response);
      answer.once('end', () => this.metrics.record(this.cluster, target.serverGroup, code, elapsedSeconds(started)));
      answer.once('close', release);
      answer.once('error', () => response.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      release();
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      // Nothing came back yet and the request may be sent twice: another instance takes it.
      const retry = mayRetry && RETRYABLE_CODES.has(error.code ?? '') ? this.router.alternative(target) : undefined;
      if (retry) {
        this.forward(request, response, retry, started, false);
        return;
      }
      this.answerError(response, 502, `instance ${instance.id} of ${target.serverGroup} failed: ${error.code ?? error.message}`, target.serverGroup, started);
    });
    // The client went away: stop the upstream request too.
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    if (mayRetry) {
      request.resume();
      upstream.end();
    } else {
      request.pipe(upstream);
    }
  }

  private answerError(response: ServerResponse, code: number, message: string, serverGroup: string, started: bigint): void {
    response.writeHead(code, { 'content-type': 'application/json', 'x-gantry-proxy-error': '1' });
    response.end(JSON.stringify({ error: { code: code === 503 ? 'Unavailable' : 'BadGateway', message, cluster: this.cluster } }));
    this.metrics.record(this.cluster, serverGroup, code, elapsedSeconds(started));
  }
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connectionTokens = String(headers.connection ?? '').split(',').map((token) => token.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !connectionTokens.includes(name)));
}

function forwardedHeaders(request: IncomingMessage): IncomingHttpHeaders {
  const headers = endToEnd(request.headers);
  const client = request.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${client}` : client;
  headers['x-forwarded-host'] ??= request.headers.host ?? '';
  headers['x-forwarded-proto'] ??= 'http';
  return headers;
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
