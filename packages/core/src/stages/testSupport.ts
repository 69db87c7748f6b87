import type { ValidationIssue } from '../errors';
import { toValidationIssues } from '../zodIssues';
import type { StageType } from './StageType';

/** Test helper: a stage type's verdict on some fields, as parsed data or as ValidationIssues. */
export function check(stageType: StageType, fields: Record<string, unknown>):
  | { ok: true; data: Record<string, unknown>; tasks: string[] }
  | { ok: false; issues: ValidationIssue[] } {
  const result = stageType.fields.safeParse(fields);
  if (!result.success) return { ok: false, issues: toValidationIssues(result.error.issues) };
  const data = result.data as Record<string, unknown>;
  return { ok: true, data, tasks: stageType.tasks(data) };
}
