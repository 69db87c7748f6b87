import { celErrorReason } from './cel';
import { celEvaluator, type CelEvaluator, type ExpressionScope } from './expressions';

/**
 * CEL evaluated ahead, elsewhere: a sandbox thread evaluates every source a stage start needs
 * (`evaluateEach`), and the stage is then resolved over the outcomes (`evaluatorOf`) without
 * evaluating anything in the caller's thread. Kept apart from the package's index so the sandbox
 * thread loads only the evaluator.
 */

export type CelOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

/** A result larger than this (as JSON) fails its expression: it would be stored in the stage's context. */
export const MAX_RESULT_JSON_CHARS = 1024 * 1024;

export function evaluateEach(sources: readonly string[], scope: ExpressionScope, onStart: (index: number) => void = () => undefined): CelOutcome[] {
  const evaluate = celEvaluator(scope);
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
