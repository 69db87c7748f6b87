import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { UI_TYPES_FILE, generateUiTypes } from './uiTypes';

/** The web UI's API calls are typed by apps/ui/src/api/schema.d.ts: it must say what the server publishes. */
describe('the web UI’s API types', () => {
  it('are generated from the current OpenAPI document (else run `npm run ui:openapi`)', async () => {
    const committed = await readFile(UI_TYPES_FILE, 'utf8');
    expect(committed === (await generateUiTypes()), 'apps/ui/src/api/schema.d.ts is out of date: run `npm run ui:openapi`').toBe(true);
  });
});
