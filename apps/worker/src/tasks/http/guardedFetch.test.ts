import { createMetricSource, type MetricQuery } from '@gantry/canary';
import { describe, expect, it } from 'vitest';
import { recordingFetch, sendJson, serverPerTest } from '../../../../../test/support/testServer';
import { guardedFetch } from './sendRequest';

/** The canary's metric sources read through `guardedFetch`: the webhook stage's SSRF guard. */

const query: MetricQuery = {
  metric: { name: 'errors', direction: 'increase', query: 'sum(rate(errors{g="${scope}"}[1m]))' },
  scope: 'checkout-prod-v002',
  role: 'canary',
  start: new Date('2026-11-25T10:00:00.000Z'),
  end: new Date('2026-11-25T10:05:00.000Z'),
  stepSec: 60,
};

const serve = serverPerTest();

function prometheusAt(url: string, fetch: typeof globalThis.fetch) {
  return createMetricSource({ type: 'prometheus', url }, { fetch });
}

describe('canary metric sources behind the SSRF guard', () => {
  it('refuses a metadata address without sending anything', async () => {
    const recorder = recordingFetch();
    const source = prometheusAt('http://169.254.169.254/latest', guardedFetch({ fetch: recorder.fetch, allowedHosts: [] }));
    await expect(source.fetch(query)).rejects.toThrow(
      'prometheus http://169.254.169.254/latest/api/v1/query_range: cannot connect: refused: 169.254.169.254 is a link-local/metadata address',
    );
    expect(recorder.urls).toEqual([]);
  });

  it.each(['http://[2002:a9fe:a9fe::]/', 'http://168.63.129.16/', 'http://192.0.0.192/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[::ffff:169.254.169.254]/'])(
    'refuses %s',
    async (url) => {
      const recorder = recordingFetch();
      await expect(prometheusAt(url, guardedFetch({ fetch: recorder.fetch, allowedHosts: [] })).fetch(query)).rejects.toThrow(/refused: .* link-local\/metadata address/);
      expect(recorder.urls).toEqual([]);
    },
  );

  it('does not follow a redirect to a metadata address, and sends nothing there', async () => {
    const srv = await serve((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end());
    const recorder = recordingFetch();
    await expect(prometheusAt(srv.origin, guardedFetch({ fetch: recorder.fetch, allowedHosts: [] })).fetch(query)).rejects.toThrow(
      /refused: 169\.254\.169\.254 is a link-local\/metadata address.*\(redirected to http:\/\/169\.254\.169\.254\/latest\/meta-data\/iam\/\)/,
    );
    expect(recorder.urls).toHaveLength(1);
  });

  it('follows a redirect to an allowed host', async () => {
    const target = await serve((_req, res) => sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '0.5']] }] } }));
    const hop = await serve((_req, res) => res.writeHead(307, { location: `${target.origin}/api/v1/query_range` }).end());
    const values = await prometheusAt(hop.origin, guardedFetch({ fetch, allowedHosts: [] })).fetch(query);
    expect(values).toEqual([0.5]);
  });

  it("never echoes an answer's text in the error", async () => {
    const secret = 'aws_secret_access_key=AKIA-this-must-not-leak';
    const srv = await serve((_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(`<html>${secret}</html>`));
    const error = await prometheusAt(srv.origin, guardedFetch({ fetch, allowedHosts: [] }))
      .fetch(query)
      .then(
        () => undefined,
        (e: unknown) => (e as Error).message,
      );
    expect(error).toMatch(/HTTP 500: Internal Server Error \(text\/html, \d+ bytes\)$/);
    expect(error).not.toContain('AKIA');
    const notJson = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(secret));
    await expect(prometheusAt(notJson.origin, guardedFetch({ fetch, allowedHosts: [] })).fetch(query)).rejects.toThrow(/the answer is not JSON \(text\/plain, \d+ bytes\)$/);
    const wrongShape = await serve((_req, res) => sendJson(res, 200, { status: 'success', data: { secret } }));
    const shapeError = await prometheusAt(wrongShape.origin, guardedFetch({ fetch, allowedHosts: [] }))
      .fetch(query)
      .then(
        () => '',
        (e: unknown) => (e as Error).message,
      );
    expect(shapeError).toMatch(/unexpected answer \(not a success matrix\) at data\.resultType/);
    expect(shapeError).not.toContain('AKIA');
  });
});
