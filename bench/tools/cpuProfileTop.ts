import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { originalLine } from './sourceLines';

/**
 * Prints where a `node --cpu-prof` profile spent its time: the top functions by self time and the
 * same time grouped by package / source area, so the biggest costs can be pinned to a file:line.
 *
 *   npx tsx bench/tools/cpuProfileTop.ts PROFILE.cpuprofile [--top 30]
 */
const callFrame = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number(), columnNumber: z.number() });
const profileSchema = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame, children: z.array(z.number()).optional() })),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type Profile = z.infer<typeof profileSchema>;

const ROOT = new URL('../..', import.meta.url).href;

/** Where a frame's code lives: a package name, a Gantry source area, node internals, or (program/gc/idle). */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const path = url.replace(ROOT, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1] ?? path;
  const own = /^(apps\/[^/]+|packages\/[^/]+|bench|test)\//.exec(path);
  return own ? (own[1] ?? path) : path;
}

function selfTimes(profile: Profile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((nodeId, i) => {
    self.set(nodeId, (self.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

function frameKey(frame: Profile['nodes'][number]['callFrame']): string {
  const line = originalLine(frame.url, frame.lineNumber, frame.columnNumber) ?? frame.lineNumber + 1;
  const where = frame.url ? `${frame.url.replace(ROOT, '')}:${line}` : '';
  return `${frame.functionName || '(anonymous)'}  ${where}`;
}

/**
 * Inclusive time of Gantry's own functions (apps/, packages/): self time says which library is hot,
 * this says which of our call sites drive it. Each sample counts once per function on its stack.
 */
function inclusiveOwnTimes(profile: Profile): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inclusive = new Map<string, number>();
  profile.samples.forEach((leaf, i) => {
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !/\/(apps|packages)\/[^/]+\/src\//.test(frame.url) || frame.url.includes('/generated/')) continue;
      seen.add(frameKey(frame));
    }
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return inclusive;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpuProfileTop.ts PROFILE.cpuprofile [--top N]');
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1] ?? 30) : 30;
  const profile = profileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const self = selfTimes(profile);
  const total = profile.endTime - profile.startTime;

  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = self.get(node.id) ?? 0;
    if (micros === 0) continue;
    const { functionName, url } = node.callFrame;
    const key = frameKey(node.callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  }
  const show = (title: string, entries: Map<string, number>, limit: number) => {
    process.stdout.write(`\n${title}\n`);
    for (const [key, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      process.stdout.write(`${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${key}\n`);
    }
  };
  process.stdout.write(`profile: ${(total / 1e6).toFixed(1)} s wall, ${profile.samples.length} samples\n`);
  show('self time by area', byArea, 25);
  show(`top ${top} functions by self time`, byFunction, top);
  show(`top ${top} Gantry functions by inclusive time`, inclusiveOwnTimes(profile), top);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
