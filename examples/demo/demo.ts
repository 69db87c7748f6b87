/**
 * `npm run demo`: the whole Gantry story on one machine, through the public REST API only, while
 * steady traffic flows through the cluster's proxy: deploy v1 → red/black to v2 → canary of a slow
 * v3 (rolled back by the judge) → canary of a good v4 (promoted) → one-call rollback. Gantry must
 * already run (`npm start`) with the `local` account (the default without an accounts file).
 * Exits non-zero if any request failed or any step ended in the wrong state.
 */
import { parseArgs } from 'node:util';
import { localApiToken } from '@gantry/config';
import { DemoApi } from './api';
import { releaseFolders } from './releases';
import { runStory, type StoryOptions } from './story';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.GANTRY_URL ?? 'http://127.0.0.1:8084' },
    rate: { type: 'string', default: '200' },
    'interval-sec': { type: 'string', default: '10' },
    'settle-sec': { type: 'string', default: '3' },
  },
});

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!(value > 0)) {
    console.error(`demo: --${name} must be a positive number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

const options: StoryOptions = {
  rate: positive('rate', values.rate),
  canaryIntervalSec: positive('interval-sec', values['interval-sec']),
  settleMs: positive('settle-sec', values['settle-sec']) * 1000,
  log: (line) => console.log(`[${new Date().toISOString().slice(11, 23)}] ${line}`),
};

const api = new DemoApi(values.url ?? 'http://127.0.0.1:8084', localApiToken());
try {
  await api.ready();
  const outcome = await runStory(api, await releaseFolders(), options);
  console.log(outcome.summary);
  process.exitCode = outcome.ok ? 0 : 1;
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
