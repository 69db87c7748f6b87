import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGantry } from './testSupport';

const steady = [10, 11, 12, 10.5, 11.5, 12.5, 10.2, 11.2, 12.2, 10.8];
const slower = steady.map((v) => v + 5);
const config = {
  metrics: [
    { name: 'latency', direction: 'increase' },
    { name: 'errors', direction: 'increase', critical: true },
  ],
  thresholds: { marginal: 40, pass: 90 },
};
const input = (latencyCanary: number[], errorsCanary: (number | null)[] = [0, 0, 0.01, 0, null]) => ({
  config,
  metrics: { latency: { baseline: steady, canary: latencyCanary }, errors: { baseline: [0, 0, 0.01, 0, 0], canary: errorsCanary } },
});
const dir = mkdtempSync(join(tmpdir(), 'gantry-cli-judge-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('gantry canary judge', () => {
  it('prints the JSON verdict with the contract fields first, and exits 0 on pass', async () => {
    const run = await runGantry(['canary', 'judge', file('pass.json', input(steady.map((v) => v + 0.05)))]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(Object.keys(output).slice(0, 3)).toEqual(['score', 'result', 'metrics']);
    expect(output).toMatchObject({ score: 100, result: 'pass' });
    const [latency, errors] = output.metrics;
    expect(Object.keys(latency).slice(0, 8)).toEqual(['name', 'classification', 'u', 'pValue', 'shift', 'ci', 'baselineCount', 'canaryCount']);
    expect(latency).toMatchObject({ name: 'latency', classification: 'Pass', baselineCount: 10, canaryCount: 10 });
    expect(latency.ci).toHaveLength(2);
    // null in a series is a missing value, dropped by the default nanStrategy.
    expect(errors).toMatchObject({ name: 'errors', classification: 'Pass', canaryCount: 4 });
  });

  it('exits 1 on a failing or marginal verdict', async () => {
    const failing = await runGantry(['canary', 'judge', file('fail.json', input(slower, [0.2, 0.3, 0.25, 0.4, 0.35]))]);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ score: 0, result: 'fail', reason: 'critical metric failed: errors (High)' });
    const marginal = await runGantry(['canary', 'judge', file('marginal.json', input(slower))]);
    expect(marginal.code).toBe(1);
    const verdict = JSON.parse(marginal.stdout);
    expect(verdict).toMatchObject({ score: 50, result: 'marginal' });
    expect(verdict.metrics[0]).toMatchObject({ classification: 'High', u: 100, shift: 5 });
    expect(verdict.metrics[0].pValue).toBeLessThan(0.001);
  });

  it('reads stdin for -, and prints a table with --format table', async () => {
    const run = await runGantry(['canary', 'judge', '-', '--format', 'table'], { stdin: JSON.stringify(input(slower)) });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^metric\s+class\s+p-value\s+shift\s+98% CI\s+baseline\s+canary\s+note$/);
    expect(lines[2]).toMatch(/^latency\s+High\s+0\.000\d+\s+\+5\s+\[\+\d.*\]\s+10\s+10\s+canary is higher than baseline/);
    expect(lines[3]).toMatch(/^errors \(critical\)\s+Pass\s+/);
    expect(run.stdout).toContain('score 50.0: MARGINAL (score 50.0 is below pass 90)');
  });

  it('exits 2 with one line naming the field path on a schema error', async () => {
    const bad = { ...input(steady), config: { ...config, metrics: [{ name: 'latency', direction: 'up' }] } };
    const run = await runGantry(['canary', 'judge', file('bad-direction.json', bad)]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('gantry: config.metrics[0].direction: Invalid option: expected one of "increase"|"decrease"|"either"\n');
    const series = await runGantry(['canary', 'judge', '-'], { stdin: JSON.stringify({ config, metrics: { latency: { baseline: ['1'], canary: [] } } }) });
    expect(series.code).toBe(2);
    expect(series.stderr).toBe('gantry: metrics.latency.baseline[0]: Invalid input: expected number, received string\n');
  });

  it('exits 2 on an unreadable file, bad JSON, or a usage error', async () => {
    const missing = await runGantry(['canary', 'judge', join(dir, 'missing.json')]);
    expect(missing).toMatchObject({ code: 2, stderr: `gantry: ${join(dir, 'missing.json')}: cannot read: ENOENT\n` });
    const notJson = await runGantry(['canary', 'judge', file('broken.json', '{"config": ')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^gantry: .*broken\.json: not JSON: .+\n$/);
    const usage = await runGantry(['canary', 'judge', file('ok.json', input(steady)), '--format', 'xml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("option '--format <format>' argument 'xml' is invalid");
  });

  it('documents the exit codes in --help', async () => {
    const run = await runGantry(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes:\n\s+0 {2}success[\s\S]*\n\s+1 {2}failure[\s\S]*\n\s+2 {2}bad input/);
  });
});
