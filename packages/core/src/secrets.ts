import { z } from 'zod';
import { defineEntry, isPlainObject } from './celValues';
import type { ValidationIssue } from './errors';
import { SECRET_REF } from './triggers/webhook';

/**
 * Secrets written into pipelines: what is hidden when a pipeline, an execution or an audit event
 * is shown, and the reference form that keeps the value out of the pipeline altogether.
 *
 * The rule (README "Secrets in pipelines"): a value is secret when its field's name, lower-cased
 * without `-` and `_`, ends in one of SECRET_NAME_ENDINGS: header names such as `Authorization`,
 * `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`, `X-Auth-Token`, and fields such as
 * `password`, `clientSecret`, `apiKey`, `accessToken`, `privateKey`, `credentials`. Its text (or
 * each text of a list) is shown as REDACTED. An object under such a name is walked, not hidden, so
 * a secret reference `{"secret": "name"}` stays visible: it names a secret, it is not one.
 */
export const REDACTED = '**redacted**';

export const SECRET_NAME_ENDINGS = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'credential',
  'credentials',
] as const;

export function isSecretName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_]/g, '');
  return SECRET_NAME_ENDINGS.some((ending) => normalized.endsWith(ending));
}

/** `{"secret": "name"}`: resolved from the configured secrets (GANTRY_SECRET_<NAME>, GANTRY_SECRETS) when used. */
export const secretReferenceSchema = z.strictObject({
  secret: z.string().regex(SECRET_REF, { message: 'a secret name is letters, digits, "_" and "-"' }),
});
export type SecretReference = z.infer<typeof secretReferenceSchema>;

export function isSecretReference(value: unknown): value is SecretReference {
  // The shape first: redaction asks this of every object it walks (each audit event's data), and
  // almost none has a lone string `secret`; the schema's parse costs far more than this look.
  if (typeof value !== 'object' || value === null || typeof (value as { secret?: unknown }).secret !== 'string' || Object.keys(value).length !== 1) return false;
  return secretReferenceSchema.safeParse(value).success;
}

/** A copy of `value` with the text of every secret-named field replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  return redactIn(value, false);
}

function redactIn(value: unknown, secret: boolean): unknown {
  if (secret && (typeof value === 'string' || typeof value === 'number')) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactIn(item, secret));
  if (isPlainObject(value)) {
    if (isSecretReference(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) defineEntry(out, key, redactIn(item, isSecretName(key)));
    return out;
  }
  return value;
}

/**
 * A definition sent back after it was shown: every REDACTED text is replaced by the value stored
 * at the same path, so an editor's round trip keeps the secrets. A REDACTED where nothing is
 * stored is an issue naming the path (the client sent the marker, not a secret).
 */
export function restoreRedacted(incoming: unknown, stored: unknown): { value: unknown; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const walk = (value: unknown, previous: unknown, path: (string | number)[]): unknown => {
    if (value === REDACTED) {
      if (typeof previous === 'string' || typeof previous === 'number') return previous;
      issues.push({ path, message: `"${REDACTED}" stands for a stored secret, and none is stored here: send the value or a {"secret": "name"} reference` });
      return value;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, Array.isArray(previous) ? previous[index] : undefined, [...path, index]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        defineEntry(out, key, walk(item, isPlainObject(previous) && Object.hasOwn(previous, key) ? previous[key] : undefined, [...path, key]));
      }
      return out;
    }
    return value;
  };
  return { value: walk(incoming, stored, []), issues };
}

/** `github` → GANTRY_SECRET_GITHUB, `my-ci` → GANTRY_SECRET_MY_CI. */
export function secretVariable(name: string): string {
  return `GANTRY_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Looks a configured secret up by name; undefined when it is not configured. */
export type SecretResolver = (name: string) => string | undefined;

/**
 * Secrets live in the deployment, never in a pipeline: GANTRY_SECRET_<NAME> in the environment
 * (`env`, the process's), else the configuration's `secrets` map (the YAML file or GANTRY_SECRETS).
 */
export function secretResolver(configured: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>): SecretResolver {
  return (name) => {
    const fromEnv = env[secretVariable(name)];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return Object.hasOwn(configured, name) ? configured[name] : undefined;
  };
}

/** Thrown while resolving references: names the field and the secret that is not configured. */
export class MissingSecretError extends Error {
  constructor(
    readonly secret: string,
    readonly path: (string | number)[],
  ) {
    super(`secret "${secret}" is not configured (${secretVariable(secret)} or GANTRY_SECRETS)`);
    this.name = 'MissingSecretError';
  }
}

/** `value` with every `{"secret": "name"}` replaced by the secret's text; only at the moment of use, never stored. */
export function resolveSecretReferences(value: unknown, resolve: SecretResolver, path: (string | number)[] = []): unknown {
  if (isSecretReference(value)) {
    const secret = resolve(value.secret);
    if (secret === undefined) throw new MissingSecretError(value.secret, path);
    return secret;
  }
  if (Array.isArray(value)) return value.map((item, index) => resolveSecretReferences(item, resolve, [...path, index]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) defineEntry(out, key, resolveSecretReferences(item, resolve, [...path, key]));
    return out;
  }
  return value;
}
