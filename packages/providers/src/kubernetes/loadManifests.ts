import type { AccountConfig } from '../accounts';
import type { KubernetesManifests } from './manifestClient';

/**
 * The manifest client of a kubernetes account (`manifestsFor`), its module loaded on first use as
 * the providers' are (LazyProvider): @kubernetes/client-node costs a process about 100 MB of
 * memory, which a Gantry without a kubernetes account should not pay.
 */
export async function loadManifests(account: AccountConfig, env: NodeJS.ProcessEnv = process.env): Promise<KubernetesManifests> {
  const { manifestsFor } = await import('./manifestClient');
  return manifestsFor(account, env);
}
