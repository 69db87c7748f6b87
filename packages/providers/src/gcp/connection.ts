import type { InstanceTemplatesClient } from '@google-cloud/compute';
import { PassThroughClient } from 'google-auth-library';
import type { GcpAccountConfig } from './account';

/** The options every Compute client of one account is built with. */
export type ComputeClientOptions = NonNullable<ConstructorParameters<typeof InstanceTemplatesClient>[0]>;

/** Why the account's credentials cannot be used (a missing or malformed variable), for a Fatal error. */
export class CredentialsProblem extends Error {}

/**
 * Client options from an account: the endpoint split the way the client wants it (host, port and
 * protocol apart), and the credentials it references. An endpoint without credentials (a fake)
 * sends no token; no endpoint and no credentials means application default credentials.
 */
export function clientOptions(account: GcpAccountConfig, env: NodeJS.ProcessEnv): ComputeClientOptions {
  const options: ComputeClientOptions = { projectId: account.project };
  if (account.endpoint !== undefined) {
    const url = new URL(account.endpoint);
    const protocol = url.protocol.replace(/:$/, '');
    Object.assign(options, { apiEndpoint: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol });
  }
  const credentials = account.credentials;
  if (credentials === undefined) {
    // The client's own GoogleAuth would look for Google credentials and fail on a fake.
    if (account.endpoint !== undefined) options.authClient = new PassThroughClient() as unknown as ComputeClientOptions['authClient'];
    return options;
  }
  if ('keyFile' in credentials) return { ...options, keyFilename: credentials.keyFile };
  return { ...options, credentials: credentialsFromEnv(credentials.env, env) };
}

function credentialsFromEnv(variable: string, env: NodeJS.ProcessEnv): NonNullable<ComputeClientOptions['credentials']> {
  const text = env[variable];
  if (text === undefined || text.trim() === '') throw new CredentialsProblem(`credentials.env: environment variable ${variable} is not set`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialsProblem(`credentials.env: environment variable ${variable} does not hold JSON (a service account key)`);
  }
  const key = value as { client_email?: unknown; private_key?: unknown } | null;
  if (typeof key?.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new CredentialsProblem(`credentials.env: the JSON in ${variable} has no client_email and private_key (not a service account key)`);
  }
  return { client_email: key.client_email, private_key: key.private_key };
}
