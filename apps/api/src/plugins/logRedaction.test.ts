import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus } from '@gantry/queue';
import { AuthStore, PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { buildTestServer } from '../testSupport';
import { redactedUrl } from './logRedaction';

const MASTER_TOKEN = 'jenkins-master-token-5f0e9d2c';
const silentBus: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };

describe('credentials in URLs stay out of the request log', () => {
  it('redacts query parameters named like secrets and the OIDC code, and nothing else', () => {
    expect(redactedUrl('/api/v1/webhooks/jenkins?master=ci&token=abc')).toBe('/api/v1/webhooks/jenkins?master=ci&token=**redacted**');
    expect(redactedUrl('/auth/callback?code=xyz&state=s')).toBe('/auth/callback?code=**redacted**&state=s');
    expect(redactedUrl('/x?access_token=1&api-key=2&password=3')).toBe('/x?access_token=**redacted**&api-key=**redacted**&password=**redacted**');
    expect(redactedUrl('/api/v1/executions?application=shop&limit=5')).toBe('/api/v1/executions?application=shop&limit=5');
    expect(redactedUrl('/healthz')).toBe('/healthz');
  });

  describe('a Jenkins master sending its token as ?token=', () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const lines: string[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
      const pool = database.db.pool;
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      app = buildTestServer(database, {
        auth: { mode: 'on', store: new AuthStore(pool) },
        executions: new PostgresExecutionRepository(pool),
        bus: silentBus,
        triggers: { pool, secrets: { 'jenkins-ci': MASTER_TOKEN } },
        logger: { level: 'trace', stream },
      });
    });
    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('is served, and the token is in no log line', async () => {
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/jenkins?master=ci&token=${MASTER_TOKEN}`,
        headers: { authorization: undefined as unknown as string, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'job', build: { number: 1, phase: 'COMPLETED', status: 'SUCCESS' } }),
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(lines.some((line) => line.includes('token=**redacted**'))).toBe(true);
      expect(lines.join('\n')).not.toContain(MASTER_TOKEN);
    });
  });
});
