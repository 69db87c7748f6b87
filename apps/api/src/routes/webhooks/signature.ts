import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Gantry's header, and GitHub's (same format, so GitHub needs no adapter). */
export const SIGNATURE_HEADERS = ['x-gantry-signature', 'x-hub-signature-256'] as const;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * The signatures a request carries, as digests. A value that is not `sha256=<64 hex digits>` (a
 * truncated one, another algorithm) is dropped: it can never verify.
 */
export function signaturesOf(headers: IncomingHttpHeaders): Buffer[] {
  return SIGNATURE_HEADERS.flatMap((name) => {
    const values = headers[name];
    return (Array.isArray(values) ? values : values === undefined ? [] : [values]).flatMap((value) => {
      const hex = SIGNATURE.exec(value.trim())?.[1];
      return hex === undefined ? [] : [Buffer.from(hex, 'hex')];
    });
  });
}

/** Whether one of the signatures is the HMAC-SHA256 of the body under `secret`, compared in constant time. */
export function signedWith(body: Buffer, signatures: readonly Buffer[], secret: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  // timingSafeEqual needs equal lengths; every parsed signature is 32 bytes, checked anyway.
  return signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
}

const HUB_SIGNATURE = /^(sha1|sha256)=([0-9a-f]+)$/i;

/**
 * Whether a git host's delivery is signed with `secret`: GitHub's X-Hub-Signature-256 (or Gantry's
 * header), or X-Hub-Signature, which GitHub fills with an HMAC-SHA1 (what Spinnaker's echo checks)
 * and Bitbucket Server and Cloud with an HMAC-SHA256.
 */
export function signedByHost(body: Buffer, headers: IncomingHttpHeaders, secret: string): boolean {
  if (signedWith(body, signaturesOf(headers), secret)) return true;
  const header = headers['x-hub-signature'];
  const [, algorithm, hex] = HUB_SIGNATURE.exec((Array.isArray(header) ? header[0] : header)?.trim() ?? '') ?? [];
  if (algorithm === undefined || hex === undefined) return false;
  const expected = createHmac(algorithm.toLowerCase(), secret).update(body).digest();
  const sent = Buffer.from(hex, 'hex');
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
