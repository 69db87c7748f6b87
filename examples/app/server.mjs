// A tiny dependency-free HTTP app for local deploys (see README.md): the version and server group it
// runs as, with knobs to make it slow or failing, so canary analysis has something to judge.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

// A release's own settings travel in its image: app.json beside this file (written by the build,
// or by the demo for each version). The environment overrides it, for running the app by hand.
const release = readRelease(new URL('./app.json', import.meta.url));
const port = Number(process.env.PORT ?? 8080);
const version = process.env.APP_VERSION ?? release.version ?? 'dev';
const serverGroup = process.env.GANTRY_SERVER_GROUP ?? null;
const errorRate = clamp(Number(process.env.ERROR_RATE ?? release.errorRate ?? 0), 0, 1);
const latencyMs = Math.max(0, Number(process.env.LATENCY_MS ?? release.latencyMs ?? 0));
// A health check that always fails: the instance runs but never becomes healthy.
const unhealthy = process.env.FAIL_HEALTH === '1' || process.env.FAIL_HEALTH === 'true';

let served = 0;

function readRelease(url) {
  try {
    return JSON.parse(readFileSync(url, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return {};
    throw new Error(`app.json: ${error.message}`);
  }
}

function clamp(value, low, high) {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}

// Deterministic: of every 100 requests, the first ERROR_RATE × 100 (spread by the counter) fail,
// so a canary sees the configured rate without randomness.
function shouldFail(count) {
  return Math.floor((count + 1) * errorRate) > Math.floor(count * errorRate);
}

function reply(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/health') {
    reply(response, unhealthy ? 503 : 200, { status: unhealthy ? 'failing' : 'ok', version, serverGroup });
    return;
  }
  const failing = shouldFail(served++);
  const delay = latencyMs > 0 ? latencyMs * (0.8 + Math.random() * 0.4) : 0;
  setTimeout(() => {
    if (failing) reply(response, 500, { error: 'injected failure (ERROR_RATE)', version, serverGroup });
    else reply(response, 200, { version, serverGroup, path });
  }, delay);
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  console.log(`example app ${version} (${serverGroup ?? 'no server group'}) listening on 127.0.0.1:${port}`);
});

// Graceful: stop accepting, let requests in flight finish, then exit.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
});
