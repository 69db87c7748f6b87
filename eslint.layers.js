// The layers of docs/architecture.md, checked on every import (rule: no-restricted-imports, one option set per workspace).
//
// 1. A workspace imports only the @gantry packages its package.json declares.
// 2. The pure domain (strategies, canary, core) does no I/O: it imports only its own files, the pure packages
//    it is allowed (PURE) and the pure libraries listed there. Its tests may also use vitest, node:fs/path/url and test/.
// 3. Nothing imports an app, except where an app composes others (apps/gantry runs the API and the worker in
//    one process). No file reaches into another workspace by relative path.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The pure packages: which pure packages and libraries each may import. strategies and canary are peers below core. */
const PURE = [
  { dir: 'packages/strategies', pure: [], libraries: [] },
  { dir: 'packages/canary', pure: [], libraries: ['zod'] },
  // yaml: a parser (SpEL's #readYaml), no I/O.
  { dir: 'packages/core', pure: ['packages/strategies', 'packages/canary'], libraries: ['zod', 'cron-parser', '@marcbachmann/cel-js', 're2-wasm', 'yaml'] },
];
const PURE_TEST_LIBRARIES = ['vitest', 'node:fs', 'node:path', 'node:url'];

/** Apps that may import other apps, and which. */
const COMPOSES = { 'apps/gantry': ['apps/api', 'apps/worker'] };

const ANOTHER_WORKSPACE_BY_PATH = {
  regex: String.raw`^\.\.?/(?:\.\./)*(?:(?:apps|packages)/|[\w-]+/src(?:/|$))`,
  message: 'Import another workspace by its @gantry/* name (declared in package.json), not by relative path.',
};

function workspaces(root) {
  return ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(root, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(root, dir, 'package.json')))
      .map((dir) => {
        const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
        return { dir, name: manifest.name, declared: Object.keys(manifest.dependencies ?? {}).filter((dep) => dep.startsWith('@gantry/')) };
      }),
  );
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const exactly = (names) => `^(?:${names.map(escape).join('|')})(?:/|$)`;

/** One pattern per forbidden @gantry package, with the reason it is forbidden. */
function forbiddenPackage(name, why) {
  return { regex: exactly([name]), message: `${name}: ${why}` };
}

export function layerRules(root) {
  const all = workspaces(root);
  const byDir = new Map(all.map((ws) => [ws.dir, ws]));

  return all.flatMap((ws) => {
    const patterns = [ANOTHER_WORKSPACE_BY_PATH];
    for (const other of all) {
      if (other === ws) continue;
      if (other.dir.startsWith('apps/') && !(COMPOSES[ws.dir] ?? []).includes(other.dir)) {
        patterns.push(forbiddenPackage(other.name, `${other.dir} is an app: nothing imports an app (eslint.layers.js).`));
      } else if (!ws.declared.includes(other.name)) {
        patterns.push(forbiddenPackage(other.name, `not a dependency in ${ws.dir}/package.json.`));
      }
    }
    const rule = (extra) => ({ 'no-restricted-imports': ['error', { patterns: [...patterns, ...extra] }] });

    const pure = PURE.find((p) => p.dir === ws.dir);
    if (pure === undefined) return [{ files: [`${ws.dir}/**`], rules: rule([]) }];

    // Pure: an allow-list, so a new I/O dependency (pg, node:fs, fetch clients, another @gantry package) is refused.
    const allowed = pure.pure.map((dir) => byDir.get(dir).name);
    const pureImports = (libraries) => ({
      regex: `^(?!\\.|${exactly([ws.name, ...allowed, ...libraries]).slice(1)})`,
      message: `${ws.dir} is pure domain logic: no I/O, and only ${[...allowed, ...libraries].join(', ') || 'its own files'} from outside (eslint.layers.js).`,
    });
    const { libraries } = pure;
    return [
      { files: [`${ws.dir}/**`], rules: rule([pureImports(libraries)]) },
      { files: [`${ws.dir}/**/*.test.ts`], rules: rule([pureImports([...libraries, ...PURE_TEST_LIBRARIES])]) },
    ];
  });
}
