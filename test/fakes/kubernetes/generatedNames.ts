/** The random and hashed parts of names Kubernetes generates (generateName suffixes, pod-template hashes). */
import { randomBytes } from 'node:crypto';

/** The alphabet Kubernetes uses for generated name parts (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The first `length` bytes as name characters. */
export function encodeNamePart(bytes: Uint8Array, length: number): string {
  return [...bytes.slice(0, length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The five random characters the API server appends to a `generateName`. */
export function randomNameSuffix(): string {
  return encodeNamePart(randomBytes(5), 5);
}
