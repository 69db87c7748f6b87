/**
 * One page of a list, with an opaque continuation token (the offset, encoded so clients do not
 * build tokens themselves). `invalidToken` is the service's own error for a token it did not issue.
 */
import type { AwsError } from './errors';

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

const TOKEN_PREFIX = 'fake-aws-page:';

export function paginate<T>(all: readonly T[], pageSize: number, token: string | undefined, invalidToken: () => AwsError): Page<T> {
  let offset = 0;
  if (token !== undefined && token !== '') {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const parsed = decoded.startsWith(TOKEN_PREFIX) ? Number(decoded.slice(TOKEN_PREFIX.length)) : NaN;
    if (!Number.isInteger(parsed) || parsed < 0) throw invalidToken();
    offset = parsed;
  }
  const end = offset + pageSize;
  return {
    items: all.slice(offset, end),
    nextToken: end < all.length ? Buffer.from(`${TOKEN_PREFIX}${end}`).toString('base64url') : undefined,
  };
}
