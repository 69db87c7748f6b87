import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = fileURLToPath(new URL('../app', import.meta.url));

/** What a release of the example app does; baked into its image as app.json. */
export interface Release {
  version: string;
  latencyMs: number;
  errorRate: number;
}

/** The demo's four releases: v3 is slow (a regression the canary must catch), the rest are alike. */
export const RELEASES: readonly Release[] = [
  { version: '1', latencyMs: 5, errorRate: 0 },
  { version: '2', latencyMs: 5, errorRate: 0 },
  { version: '3', latencyMs: 60, errorRate: 0 },
  { version: '4', latencyMs: 5, errorRate: 0 },
];

/**
 * One folder per release: the example app plus its app.json, as a build would leave it. Each has
 * its own content, so each bakes to its own image, and a baseline made from production's image
 * behaves exactly like production.
 */
export async function releaseFolders(): Promise<Map<string, string>> {
  const root = await mkdtemp(join(tmpdir(), 'gantry-demo-'));
  const folders = new Map<string, string>();
  for (const release of RELEASES) {
    const folder = join(root, `app-v${release.version}`);
    await cp(APP, folder, { recursive: true });
    await writeFile(join(folder, 'app.json'), `${JSON.stringify(release)}\n`);
    folders.set(release.version, folder);
  }
  return folders;
}
