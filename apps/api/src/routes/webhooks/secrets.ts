/** Looks a webhook secret up by the ref a trigger names; undefined when it is not configured. */
export type SecretResolver = (ref: string) => string | undefined;

/** `github` → GANTRY_SECRET_GITHUB, `my-ci` → GANTRY_SECRET_MY_CI. */
export function secretVariable(ref: string): string {
  return `GANTRY_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Secrets live in the deployment, never in a pipeline: GANTRY_SECRET_<REF> in the environment,
 * else the configuration's `secrets` map (the YAML file or GANTRY_SECRETS).
 */
export function secretResolver(configured: Readonly<Record<string, string>> = {}, env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return (ref) => {
    const fromEnv = env[secretVariable(ref)];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return Object.hasOwn(configured, ref) ? configured[ref] : undefined;
  };
}
