import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { TooManyFailedSignInsError } from '../errors/TooManyFailedSignInsError';
import { buildTestServer } from '../testSupport';
import { FailedSignIns } from './failedSignIns';

describe('failed sign-in accounting', () => {
  it('lets an address fail maxFailures times per window, then refuses it until the window ends', () => {
    let now = 1_000_000;
    const signIns = new FailedSignIns({ maxFailures: 3, windowMs: 60_000 }, () => now);
    for (let i = 1; i <= 3; i++) {
      signIns.check('10.0.0.1');
      expect(signIns.record('10.0.0.1', 'api-token')).toBe(i);
    }
    now += 15_000;
    expect(() => signIns.check('10.0.0.1')).toThrow(new TooManyFailedSignInsError(3, 45));
    signIns.check('10.0.0.2');
    now += 45_000;
    signIns.check('10.0.0.1');
    expect(signIns.record('10.0.0.1', 'api-token')).toBe(1);
  });

  it('with maxFailures 0 counts but never refuses', () => {
    const signIns = new FailedSignIns({ maxFailures: 0, windowMs: 60_000 });
    for (let i = 0; i < 50; i++) signIns.record('10.0.0.1', 'oidc');
    signIns.check('10.0.0.1');
  });
});

describe('failed sign-ins against the API', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let store: AuthStore;
  const lines: string[] = [];
  const noToken = { authorization: undefined as unknown as string };

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new AuthStore(database.db.pool);
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    app = buildTestServer(database, { auth: { mode: 'on', store, signInLimits: { maxFailures: 3, windowMs: 60_000 } }, logger: { level: 'info', stream } });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const me = (authorization: string | undefined, remoteAddress = '10.1.1.1') =>
    app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress, headers: authorization === undefined ? noToken : { authorization } });

  it('three invalid tokens from one address: 401 each, then 429 with Retry-After even for a valid token; another address is not affected', async () => {
    const { token } = await store.createToken({ name: 'ana', roles: [], createdBy: 'test' });
    const guesses = ['gantry_guess-1', 'gantry_guess-2', 'gantry_guess-3'];
    for (const guess of guesses) expect((await me(`Bearer ${guess}`)).statusCode).toBe(401);
    // No credential at all is not a failed sign-in (a browser before it signs in).
    expect((await me(undefined, '10.1.1.2')).statusCode).toBe(401);

    const throttled = await me(`Bearer ${token}`);
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.json()).toMatchObject({ error: { code: 'TOO_MANY_FAILED_SIGN_INS', details: { failures: 3 } } });
    // Pasting a token into the sign-in form counts the same way.
    const pasted = await app.inject({ method: 'POST', url: '/auth/session', remoteAddress: '10.1.1.1', headers: { ...noToken, 'content-type': 'application/json' }, payload: JSON.stringify({ token }) });
    expect(pasted.statusCode).toBe(429);
    expect((await me(`Bearer ${token}`, '10.1.1.2')).statusCode).toBe(200);

    const refusals = lines.filter((line) => line.includes('sign-in refused'));
    expect(refusals).toHaveLength(3);
    expect(JSON.parse(refusals[2]!)).toMatchObject({ address: '10.1.1.1', kind: 'api-token', credential: 'bearer', failures: 3, reason: 'the API token is unknown, revoked or expired' });
    for (const secret of [...guesses, token]) expect(lines.join('\n')).not.toContain(secret);

    const metrics = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.1.2', headers: { authorization: `Bearer ${token}` } });
    expect(metrics.body).toMatch(/^gantry_auth_failures_total\{kind="api-token"\} [1-9]\d*$/m);
    expect(metrics.body).toMatch(/^gantry_auth_throttled_total [1-9]\d*$/m);
  });
});
