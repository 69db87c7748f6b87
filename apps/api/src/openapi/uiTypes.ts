import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { ExecutionChanges } from '@gantry/store';
import { buildServer } from '../server';
import { unusedCommands, unusedExecutions } from '../testSupport';

/** The web UI's API types, generated from this server's OpenAPI document (checked by uiTypes.test.ts). */
export const UI_TYPES_FILE = fileURLToPath(new URL('../../../ui/src/api/schema.d.ts', import.meta.url));

const HEADER = '// Generated from the API\'s OpenAPI document by `npm run ui:openapi` (apps/api/src/openapi/uiTypes.ts): do not edit.\n';

/** The OpenAPI document as the server publishes it at /docs/json: its routes are registered, never called. */
export async function openApiDocument(): Promise<OpenAPI3> {
  const nothing = {} as never;
  const app = buildServer({
    auth: { mode: 'on', store: nothing },
    pipelines: nothing,
    executions: unusedExecutions,
    commands: unusedCommands,
    bus: nothing,
    readiness: async () => [],
    logger: false,
    triggers: { pool: nothing },
    drift: { pool: nothing, watches: [] },
    chaosMonkey: { pool: nothing },
    executionChanges: new ExecutionChanges('postgres://unused'),
  });
  await app.ready();
  const document = app.swagger() as OpenAPI3;
  await app.close();
  return document;
}

export async function generateUiTypes(): Promise<string> {
  return HEADER + astToString(await openapiTS(await openApiDocument()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const generated = await generateUiTypes();
  const current = await readFile(UI_TYPES_FILE, 'utf8').catch(() => '');
  if (generated !== current) await writeFile(UI_TYPES_FILE, generated);
  console.log(`${UI_TYPES_FILE}: ${generated === current ? 'up to date' : 'written'}`);
}
