import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineRunProblem, readAppManifest, runOf } from './appManifest';

const guarded = { name: 'local' };
const open = { name: 'dev', allowPipelineCommands: true };
const manifest = { command: 'node', args: ['server.mjs'], env: { MODE: 'web', LEVEL: 'info' } };

describe('pipelineRunProblem', () => {
  it('lets a pipeline add plain env on any account', () => {
    expect(pipelineRunProblem({ env: { APP_VERSION: '2', ERROR_RATE: '0.1' } }, guarded)).toBeUndefined();
  });

  it.each([
    [{ command: 'sh', env: {} }, 'settings.command: account local'],
    [{ args: ['-e', '1'], env: {} }, 'settings.args: account local'],
    [{ env: { LD_PRELOAD: '/tmp/x.so' } }, 'settings.env.LD_PRELOAD: account local'],
    [{ env: { NODE_OPTIONS: '--require /tmp/x.js' } }, 'settings.env.NODE_OPTIONS: account local'],
    [{ env: { PATH: '/tmp' } }, 'settings.env.PATH: account local'],
    [{ env: { PYTHONSTARTUP: '/tmp/x.py' } }, 'settings.env.PYTHONSTARTUP: account local'],
  ])('refuses %j without allowPipelineCommands, naming the setting and the account', (pipeline, message) => {
    expect(pipelineRunProblem(pipeline, guarded)).toContain(message);
    expect(pipelineRunProblem(pipeline, open)).toBeUndefined();
  });
});

describe('runOf', () => {
  it('runs the manifest with the pipeline env on top', () => {
    expect(runOf(manifest, { env: { LEVEL: 'debug' } })).toEqual({ command: 'node', args: ['server.mjs'], env: { MODE: 'web', LEVEL: 'debug' } });
  });

  it('takes an allowed pipeline command with its own args only (never the manifest args of another program)', () => {
    expect(runOf(manifest, { command: 'python3', env: {} })).toEqual({ command: 'python3', args: [], env: manifest.env });
    expect(runOf(manifest, { args: ['other.mjs'], env: {} })).toMatchObject({ command: 'node', args: ['other.mjs'] });
    expect(runOf(null, { command: 'sh', args: ['-c', 'true'], env: {} })).toEqual({ command: 'sh', args: ['-c', 'true'], env: {} });
  });

  it('says so when nothing declares a command', () => {
    expect(runOf(null, { env: {} })).toMatch(/the image declares no command: add gantry-app\.json/);
  });
});

describe('readAppManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-manifest-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a manifest with defaults, null without one, and an Error naming the field of a broken one', () => {
    expect(readAppManifest(dir)).toBeNull();
    writeFileSync(join(dir, 'gantry-app.json'), '{"command": "node"}');
    expect(readAppManifest(dir)).toEqual({ command: 'node', args: [], env: {} });
    writeFileSync(join(dir, 'gantry-app.json'), '{"command": "node", "env": {"1BAD": "x"}, "cmd": 1}');
    expect(String(readAppManifest(dir))).toMatch(/gantry-app\.json: .*env\.1BAD: .*Unrecognized key: "cmd"/s);
    writeFileSync(join(dir, 'gantry-app.json'), '{"command": ');
    expect(String(readAppManifest(dir))).toMatch(/gantry-app\.json is not valid JSON/);
  });
});
