import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The repository's own eslint.config.js; type information is not needed for import rules, so it is off (fast).
const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** The messages of the layer rule for `source` as if it were the file at `filePath`. */
async function layerProblems(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layer rule (eslint.layers.js)', () => {
  it('refuses I/O in the pure packages: I/O workspaces, database and queue clients, Node I/O modules', async () => {
    for (const forbidden of ['@gantry/store', '@gantry/queue', '@gantry/providers/local', '@gantry/runtime', 'pg', 'ioredis', 'bullmq', 'fastify', '@prisma/client', 'node:fs', 'fs', 'node:child_process', 'node:http', 'node:net']) {
      const problems = await layerProblems('packages/core/src/x.ts', `import '${forbidden}';`);
      expect(problems, forbidden).toContainEqual(expect.stringContaining('packages/core is pure domain logic: no I/O'));
    }
    expect(await layerProblems('packages/strategies/src/x.ts', `import { Pool } from 'pg';`)).toEqual([
      expect.stringContaining('packages/strategies is pure domain logic: no I/O'),
    ]);
    expect(await layerProblems('packages/canary/src/sources/x.ts', `import { request } from 'node:http';`)).toHaveLength(1);
  });

  it('keeps the pure packages in order: core may use strategies and canary; they may not use core or each other', async () => {
    expect(await layerProblems('packages/core/src/x.ts', `import { parseTarget } from '@gantry/strategies';\nimport { judge } from '@gantry/canary';\nimport { z } from 'zod';\nimport { y } from './y';`)).toEqual([]);
    expect(await layerProblems('packages/strategies/src/x.ts', `import { ValidationError } from '@gantry/core';`)).toContainEqual(expect.stringContaining('pure domain logic'));
    expect(await layerProblems('packages/canary/src/x.ts', `import { parseTarget } from '@gantry/strategies';`)).toContainEqual(expect.stringContaining('pure domain logic'));
  });

  it('lets the pure packages\' tests read fixtures and use test support', async () => {
    const test = `import { readFileSync } from 'node:fs';\nimport { it } from 'vitest';\nimport { eventually } from '../../../test/support/eventually';`;
    expect(await layerProblems('packages/canary/src/x.test.ts', test)).toEqual([]);
    expect(await layerProblems('packages/canary/src/x.ts', test)).toHaveLength(2);
  });

  it('refuses imports of an app, except where apps/gantry composes the API and the worker', async () => {
    expect(await layerProblems('packages/providers/src/local/x.ts', `import { x } from '@gantry/local-agent';`)).toEqual([
      expect.stringContaining('apps/local-agent is an app: nothing imports an app'),
    ]);
    expect(await layerProblems('packages/store/src/x.ts', `import { startWorker } from '@gantry/worker';`)).toEqual([
      expect.stringContaining('apps/worker is an app: nothing imports an app'),
    ]);
    expect(await layerProblems('apps/api/src/x.ts', `import { startWorker } from '@gantry/worker';`)).toHaveLength(1);
    expect(await layerProblems('apps/gantry/src/x.ts', `import { startApiServer } from '@gantry/api';\nimport { startConfiguredWorker } from '@gantry/worker';`)).toEqual([]);
  });

  it('refuses a @gantry package the workspace does not declare, and reaching into another workspace by path', async () => {
    expect(await layerProblems('packages/store/src/x.ts', `import { loadConfig } from '@gantry/config';`)).toEqual([
      expect.stringContaining('not a dependency in packages/store/package.json'),
    ]);
    expect(await layerProblems('packages/store/src/x.ts', `import { parsePipelineDefinition } from '@gantry/core';`)).toEqual([]);
    for (const path of ['../../../apps/worker/src/Engine', '../../core/src/index', '../../../packages/core/src/index']) {
      expect(await layerProblems('packages/store/src/sub/x.ts', `import { x } from '${path}';`), path).toHaveLength(1);
    }
  });
});

describe('workspace dependencies', () => {
  it('each workspace declares exactly the @gantry packages its source imports', () => {
    for (const dir of ['packages', 'apps'].flatMap((parent) => readdirSync(join(root, parent)).map((name) => `${parent}/${name}`))) {
      if (!existsSync(join(root, dir, 'package.json'))) continue;
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
      const sources = readdirSync(join(root, dir, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
      const imported = new Set(
        sources.flatMap((file) => [...readFileSync(join(root, dir, 'src', file), 'utf8').matchAll(/(?:from |import\()'(@gantry\/[\w-]+)/g)].map((m) => m[1])),
      );
      imported.delete(manifest.name);
      const declared = Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@gantry/'));
      expect(declared.sort(), dir).toEqual([...imported].sort());
    }
  });
});

describe('async safety', () => {
  it('checks promises type-aware over the engine: no-floating-promises and no-misused-promises are errors there', async () => {
    const linter = new ESLint({ cwd: root });
    for (const file of ['apps/worker/src/Engine.ts', 'apps/api/src/server.ts', 'packages/store/src/ExecutionCommands.ts']) {
      const config = (await linter.calculateConfigForFile(join(root, file))) as { rules: Record<string, unknown[]>; languageOptions: { parserOptions: { projectService?: boolean } } };
      expect(config.rules['@typescript-eslint/no-floating-promises']?.[0], file).toBe(2);
      expect(config.rules['@typescript-eslint/no-misused-promises']?.[0], file).toBe(2);
      expect(config.languageOptions.parserOptions.projectService, file).toBe(true);
    }
  });
});
