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
