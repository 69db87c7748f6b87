import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Spinnaker corpus (test/fixtures/spinnaker, each file byte for byte from the repository its
 * SOURCES line names), as a user pastes it: an application and a name added only where the export
 * has none.
 */

const FIXTURES = join(__dirname, '../fixtures/spinnaker');

export interface CorpusDocument {
  /** `file` or `file#index` for a file holding a list of pipelines (Gate's pipelineConfigs answer). */
  id: string;
  body: Record<string, unknown>;
}

export function corpus(): CorpusDocument[] {
  const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json')).sort();
  return files.flatMap((file) => {
    const parsed: unknown = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
    const documents = Array.isArray(parsed) ? parsed : [parsed];
    return documents.map((body, index) => ({
      id: Array.isArray(parsed) ? `${file}#${index}` : file,
      body: withApplicationAndName(body as Record<string, unknown>, file, index),
    }));
  });
}

/** Exports saved from a pipeline's JSON view lack both; Gate's answers have them. Nothing else is touched. */
function withApplicationAndName(body: Record<string, unknown>, file: string, index: number): Record<string, unknown> {
  return {
    ...body,
    application: body.application ?? 'corpus',
    name: body.name ?? `${file.replace(/\.json$/, '')}-${index}`,
  };
}

/** An issue of a 400 answer's `details.issues`. */
export interface Issue {
  path: (string | number)[];
  message: string;
}
