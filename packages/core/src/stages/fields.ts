import { z } from 'zod';

/**
 * The message of both ways the expression alternative of `exprOr` can fail. Issue reporting
 * recognises it to show the field's own error instead of a bare "Invalid input".
 */
export const EXPRESSION_ALTERNATIVE = 'a string containing a ${…} expression';

// `abort` makes a plain string fail this branch as hard as a wrong type, so zod reports both
// branches of the union and the field's own reason is not replaced by this one.
const expressionText = z
  .string({ error: () => EXPRESSION_ALTERNATIVE })
  .refine((text) => text.includes('${'), { message: EXPRESSION_ALTERNATIVE, abort: true });

/**
 * Any stage field may hold a `${…}` expression when the pipeline is saved; the expression is
 * resolved when the stage starts and the same schema then checks the real value (which no longer
 * contains `${`). Whether the template is well formed is checked over the whole stage.
 */
export function exprOr<S extends z.ZodType>(schema: S) {
  return z.union([schema, expressionText]);
}

/**
 * A stage's fields as a pipeline may hold them: each value of `shape` (the fields as tasks read
 * them once expressions are resolved) may instead be a `${…}` expression. One shape gives both
 * schemas, so no task re-declares its stage's fields.
 */
export function allowingExpressions<Shape extends Record<string, z.ZodType>>(shape: Shape): { [K in keyof Shape]: ReturnType<typeof exprOr<Shape[K]>> } {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, exprOr(schema)])) as {
    [K in keyof Shape]: ReturnType<typeof exprOr<Shape[K]>>;
  };
}

/** Text that says something: blank or empty is refused. */
export const nonEmptyText = z.string().trim().min(1, { error: 'must not be empty' });

/** The account a stage acts in: Gantry's `account` or Spinnaker's `credentials` (see `checkAccount`). */
export const accountShape = {
  account: nonEmptyText.optional(),
  credentials: nonEmptyText.optional(),
};

interface AccountFields {
  account?: string;
  credentials?: string;
}

/** One of `account` and `credentials` is required, and both, when given, must name the same account. */
export function checkAccount(fields: AccountFields, ctx: z.RefinementCtx): void {
  if (fields.account === undefined && fields.credentials === undefined) {
    ctx.addIssue({ code: 'custom', path: ['account'], message: 'account is required (Spinnaker calls it credentials)' });
  } else if (fields.account !== undefined && fields.credentials !== undefined && fields.account !== fields.credentials) {
    ctx.addIssue({ code: 'custom', path: ['credentials'], message: `names a different account than account (${fields.account})` });
  }
}

/** The account of fields `checkAccount` passed. */
export function accountOf(fields: AccountFields): string {
  return fields.account ?? fields.credentials ?? '';
}

/** Numeric text ("30", "2") as the number it spells; anything else as it is, for the schema to judge. */
function numericText(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

/**
 * Seconds as Spinnaker stores them: usually a number, sometimes numeric text ("30") in pipelines
 * exported from its UI.
 */
export const seconds = z.preprocess(numericText, z.number().min(0));

/**
 * A whole number of at least `min`, also as numeric text: Spinnaker's UI writes counts such as
 * `maxRemainingAsgs: "2"` or capacities `"desired": "1"` as text, and its Jackson mapping reads them as numbers.
 */
export function wholeNumber(min: number) {
  return z.preprocess(numericText, z.number().int().min(min));
}

/** `seconds` that must be more than 0 (a timeout, an interval). */
export const positiveSeconds = seconds.pipe(z.number().positive({ error: 'must be more than 0 seconds' }));

/**
 * One choice of a manual judgment, `{value}`; Spinnaker's older pipelines (and its pipeline DSLs)
 * write the bare string, read as the same choice.
 */
export function judgmentInput<S extends z.ZodType>(value: S) {
  return z.preprocess((input) => (typeof input === 'string' ? { value: input } : input), z.looseObject({ value }));
}
