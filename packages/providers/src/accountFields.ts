import { z } from 'zod';

/**
 * The fields every cloud's account schema is built from (each cloud's `account.ts`), joined into
 * one accounts file by ../accounts.ts.
 */

const ACCOUNT_NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

const accountName = z.string().regex(ACCOUNT_NAME, 'lower-case letters, digits, ".", "_" and "-"').max(128);

/**
 * What every account has, whatever its cloud: a name, and tags that deploy policies read (e.g. a
 * save-time rule about accounts tagged `prod`; README "Deploy policy").
 */
export const baseAccountShape = {
  name: accountName,
  tags: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'a tag: letters, digits, ".", "_", ":", "/" and "-"').max(63)).optional(),
};

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' });

export const envReference = z.strictObject({ env: z.string().regex(ENV_VAR, 'an environment variable name') }, {
  error: (issue) =>
    issue.code === 'invalid_type' ? 'must be a reference {env: VARIABLE}, never a literal secret' : undefined,
});

/** Each region listed once (aws and gcp accounts). */
export function checkUniqueRegions(regions: readonly { name: string }[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  regions.forEach((region, index) => {
    if (seen.has(region.name)) context.addIssue({ code: 'custom', path: ['regions', index], message: `duplicate region ${region.name}` });
    seen.add(region.name);
  });
}

/** Makes a path from the accounts file absolute: `~/x` in the home directory, relative ones relative to the file. */
export type ResolvePath = (path: string) => string;
