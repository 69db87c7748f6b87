import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isAllowListed, isBlockedAddress, isMetadataHostName, normalizeHost } from '@gantry/core';

/**
 * Keeps requests to URLs that pipeline authors control (webhook stages, canary metric sources)
 * away from the link-local and cloud metadata endpoints that hand out the worker's cloud
 * credentials. Which addresses those are is core's outbound address policy; this is the edge that
 * resolves names and asks about every address.
 *
 * Known gap: the guard resolves the name, then fetch resolves it again, so a DNS-rebinding server
 * could answer differently the second time. Closing that needs a fetch whose connector pins the
 * checked address, which `TaskServices.fetch` does not offer.
 */

/** Resolves a host name to every address it has. */
export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface GuardOptions {
  /** Hosts let through without checks: exact names/addresses, `*.suffix`, or `*` for all. */
  allowedHosts: readonly string[];
  lookup?: HostLookup;
}

export type GuardVerdict =
  | { ok: true; url: URL }
  | { ok: false; kind: 'refused'; reason: string }
  /** DNS failed: possibly a blip, so the caller decides whether to retry. */
  | { ok: false; kind: 'unresolvable'; reason: string };

export const ALLOWED_HOSTS_SETTING = 'GANTRY_WEBHOOK_ALLOWED_HOSTS';

/** Decides whether a request to `rawUrl` may be sent. Checks every address the host resolves to. */
export async function checkUrl(rawUrl: string, options: GuardOptions): Promise<GuardVerdict> {
  let url: URL;
  try {
    // WHATWG parsing normalises decimal/octal/hex IPv4 literals (http://2852039166/) to dotted form.
    url = new URL(rawUrl);
  } catch {
    return { ok: false, kind: 'refused', reason: `refused: "${rawUrl}" is not a valid URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, kind: 'refused', reason: `refused: scheme "${url.protocol}" is not allowed (only http and https)` };
  }
  const host = normalizeHost(url.hostname);
  if (isAllowListed(host, options.allowedHosts)) return { ok: true, url };

  const advice = `add it to ${ALLOWED_HOSTS_SETTING} to allow`;
  if (isMetadataHostName(host)) {
    return { ok: false, kind: 'refused', reason: `refused: ${host} is a cloud metadata host; ${advice}` };
  }
  if (isIP(host) !== 0) {
    return isBlockedAddress(host)
      ? { ok: false, kind: 'refused', reason: `refused: ${host} is a link-local/metadata address; ${advice}` }
      : { ok: true, url };
  }

  let addresses: string[];
  try {
    addresses = await (options.lookup ?? systemLookup)(host);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, kind: 'unresolvable', reason: `cannot resolve ${host}: ${typeof code === 'string' ? code : String(error)}` };
  }
  if (addresses.length === 0) return { ok: false, kind: 'unresolvable', reason: `cannot resolve ${host}: no addresses` };
  const blocked = addresses.find(isBlockedAddress);
  if (blocked !== undefined) {
    return {
      ok: false,
      kind: 'refused',
      reason: `refused: ${host} resolves to ${blocked}, a link-local/metadata address; add ${host} to ${ALLOWED_HOSTS_SETTING} to allow`,
    };
  }
  return { ok: true, url };
}
