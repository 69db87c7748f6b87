import type { AccountConfig } from './accounts';

/**
 * Where a stage that names no location acts in `account`: its namespace (Kubernetes), its first
 * region (AWS, GCP), or nowhere (local has no locations). Tasks write it into their outputs so
 * that they, and Spinnaker's `deploy.server.groups`, always say where a group is.
 */
export function defaultLocationOf(account: AccountConfig): string | undefined {
  switch (account.provider) {
    case 'kubernetes':
      return account.namespace;
    case 'aws':
    case 'gcp':
      return account.regions[0]?.name;
    case 'local':
      return undefined;
  }
}

/**
 * The image a bake of `baseOs` starts from in `location`, from the account's bakery table
 * (aws: `regions[].baseImages`); undefined when the account lists none for it.
 */
export function baseImageFor(account: AccountConfig, location: string | undefined, baseOs: string): string | undefined {
  if (account.provider !== 'aws') return undefined;
  const region = account.regions.find((candidate) => candidate.name === (location ?? defaultLocationOf(account)));
  return region?.baseImages?.[baseOs];
}
