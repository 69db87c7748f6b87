import { UnauthorizedError } from '@gantry/core';
import { tokenMatches } from '../../auth/credentials';

/**
 * A sender that cannot sign its requests (Jenkins, Docker Hub, a Pub/Sub push subscription) proves
 * itself with a shared token, sent in X-Gantry-Token or as ?token= in the URL it is configured with.
 */
export type TokenSender = { authorize: (applications: string[]) => Promise<void> } | { token: string | undefined; open: boolean };

/** Refuses a token that is not the configured secret `secretName` (or none is configured): 401 naming the secret. */
export function checkSenderToken(label: string, secretName: string, sent: string | undefined, expected: string | undefined): void {
  if (!tokenMatches(sent, expected)) {
    throw new UnauthorizedError(
      `${label}: send its token (the secret ${secretName}) in X-Gantry-Token or ?token=, or an API token with EXECUTE on the applications`,
    );
  }
}
