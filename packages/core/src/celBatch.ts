import { celErrorReason } from './cel';
import { expressionEvaluator, type CelEvaluator, type ExpressionLanguage, type ExpressionScope } from './expressions';

/**
 * Expressions (CEL or SpEL) evaluated ahead, elsewhere: a sandbox thread evaluates every source a stage start needs
 * (`evaluateEach`), and the stage is then resolved over the outcomes (`evaluatorOf`) without
 * evaluating anything in the caller's thread. Kept apart from the package's index so the sandbox
 * thread loads only the evaluator.
 */

/**
 * `needs`: the expression reads a URL (SpEL's `#fromUrl` and kin) whose body the caller has not
 * handed in yet. The thread does no I/O: its caller fetches the URL through the SSRF guard and
 * evaluates again with the body among `documents`.
 */
export type CelOutcome = { ok: true; value: unknown } | { ok: false; reason: string; needs?: string };

/** A URL's body as the caller fetched it, or why it could not. */
export type FetchedDocument = { ok: true; body: string } | { ok: false; reason: string };

export interface BatchOptions {
  language?: ExpressionLanguage;
  /** URL bodies fetched so far for this stage start. */
  documents?: Readonly<Record<string, FetchedDocument>>;
}

class DocumentNeeded extends Error {
  constructor(readonly url: string) {
    super(`the body of ${url} has not been fetched yet`);
  }
}

/** A result larger than this (as JSON) fails its expression: it would be stored in the stage's context. */
export const MAX_RESULT_JSON_CHARS = 1024 * 1024;

export function evaluateEach(
  sources: readonly string[],
  scope: ExpressionScope,
  onStart: (index: number) => void = () => undefined,
  { language = 'cel', documents = {} }: BatchOptions = {},
): CelOutcome[] {
  const fetch = (url: string): string => {
    const document = Object.hasOwn(documents, url) ? documents[url] : undefined;
    if (document === undefined) throw new DocumentNeeded(url);
    if (!document.ok) throw new Error(`could not read ${url}: ${document.reason}`);
    return document.body;
  };
  const evaluate = expressionEvaluator(scope, language, { fetch });
  return sources.map((source, index) => {
    onStart(index);
    try {
      const value = evaluate(source);
      const size = JSON.stringify(value ?? null).length;
      if (size > MAX_RESULT_JSON_CHARS) {
        return { ok: false, reason: `its result is ${size} characters of JSON, over the limit of ${MAX_RESULT_JSON_CHARS}` };
      }
      return { ok: true, value };
    } catch (error) {
      if (error instanceof DocumentNeeded) return { ok: false, reason: error.message, needs: error.url };
      return { ok: false, reason: celErrorReason(error) };
    }
  });
}

/** An evaluator answering from outcomes computed ahead; a source not computed is a bug, said so. */
export function evaluatorOf(sources: readonly string[], outcomes: readonly CelOutcome[]): CelEvaluator {
  const bySource = new Map(sources.map((source, index) => [source, outcomes[index]]));
  return (source) => {
    const outcome = bySource.get(source);
    if (outcome === undefined) throw new Error(`expression "${source}" was not evaluated ahead`);
    if (!outcome.ok) throw new Error(outcome.reason);
    return outcome.value;
  };
}
