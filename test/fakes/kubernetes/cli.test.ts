/** The standalone CLI (`npm run fake -- kubernetes`), spawned as a user would run it. */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../support/standaloneFake';
import { StartedFakeClis, waitForOutput } from '../cliProcess';

const clis = new StartedFakeClis();

afterEach(() => clis.killRunning());

describe('npm run fake -- kubernetes', () => {
  it('serves /version on the given port until SIGTERM', async () => {
    const port = await freePort();
    const cli = clis.start('kubernetes', '--port', String(port), '--ready-delay-ms', '10');
    const [, url] = await waitForOutput(cli.output, /fake kubernetes listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const version = (await (await fetch(`${url}/version`)).json()) as { major: string; minor: string; gitVersion: string };
    expect(version).toMatchObject({ major: '1', minor: '32' });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 with the usage for an unknown fake or a bad option', async () => {
    const unknown = clis.start('nope');
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('usage: npm run fake -- <fake> [options]');
    const badOption = clis.start('kubernetes', '--port', 'abc');
    expect(await badOption.exited).toBe(2);
    expect(badOption.output()).toContain('--port must be a non-negative integer');
  });
});
