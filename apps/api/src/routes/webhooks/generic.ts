import type { IncomingHttpHeaders } from 'node:http';
import { UnauthorizedError, decideForPipeline, matchWebhookTrigger, webhookTriggerSchema, type SecretResolver, type TriggerCandidate } from '@gantry/core';
import { selectTriggerCandidates } from '@gantry/store';
import type { Answer, TriggerEndpointDeps } from './answer';
import { deliver } from './deliver';
import { parsePayload } from './rawBody';
import { signaturesOf, signedWith } from './signature';

export interface WebhookRequest {
  source: string;
  raw: Buffer;
  headers: IncomingHttpHeaders;
  explain: boolean;
  sender: Sender;
}

/**
 * Who posts: a caller with an API (or OIDC) token, allowed when it may EXECUTE every application
 * the delivery could start (`authorize` throws 403 otherwise); else an anonymous sender, who must
 * sign for a source with a secret, and is refused by a source without one unless that is `open`.
 */
export type Sender = { authorize: (applications: string[]) => Promise<void> } | { open: boolean };

/** Refused: the source has no secret to sign with and is not configured open. */
export class UnauthenticatedSenderError extends UnauthorizedError {
  constructor(readonly source: string) {
    super(
      `the "${source}" webhook source has no secret and is not open: sign deliveries (a trigger secret), send an API token with EXECUTE on the applications, or list the source in GANTRY_WEBHOOK_OPEN_SOURCES`,
    );
  }
}

/** The secrets a delivery counts as signed with: every one of the source's for an authorized token holder. */
export async function senderProof(
  deps: { secrets: SecretResolver; log: { warn(object: object, message: string): void } },
  request: WebhookRequest,
  candidates: readonly TriggerCandidate[],
): Promise<Set<string>> {
  if ('authorize' in request.sender) {
    await request.sender.authorize([...new Set(candidates.map((candidate) => candidate.application))]);
    return new Set(candidates.flatMap((candidate) => secretRefsOf(candidate, request.source)));
  }
  const verified = verifySignature(deps, request, candidates);
  if (verified.size === 0 && !request.sender.open) throw new UnauthenticatedSenderError(request.source);
  return verified;
}

/** Refused for want of a valid signature; the route answers 401 and nothing was started or recorded. */
export class UnsignedDeliveryError extends Error {
  constructor(
    readonly source: string,
    message = `the "${source}" webhook requires a valid X-Gantry-Signature or X-Hub-Signature-256 (sha256=<hex HMAC-SHA256 of the body>)`,
  ) {
    super(message);
    this.name = 'UnsignedDeliveryError';
  }
}

const DELIVERY_HEADERS = ['x-github-delivery', 'x-gantry-delivery'] as const;

/**
 * One delivery to /webhooks/<source>: signature first (before anything about the source is
 * revealed or parsed), then de-duplication by delivery id, then every pipeline with a webhook
 * trigger on the source is decided on.
 */
export async function handleWebhookDelivery(
  deps: TriggerEndpointDeps & { secrets: SecretResolver; log: { warn(object: object, message: string): void } },
  request: WebhookRequest,
): Promise<Answer> {
  const { source } = request;
  const candidates = await selectTriggerCandidates(deps.pool, { type: 'webhook', source });
  const verifiedSecrets = await senderProof(deps, request, candidates);
  const payload = parsePayload(request.raw, headerValue(request.headers, 'content-type'));
  const deliveryId = DELIVERY_HEADERS.map((name) => headerValue(request.headers, name)).find((id) => id !== undefined);
  const webhookDelivery = { source, payload, user: `webhook:${source}`, deliveryId, verifiedSecrets };
  return deliver(deps, {
    kind: 'webhook',
    actor: `webhook:${source}`,
    claimScope: source,
    deliveryId,
    explain: request.explain,
    event: { source, deliveryId: deliveryId ?? null, signedWith: [...verifiedSecrets] },
    decide: () => candidates.flatMap((candidate) => decideForPipeline(candidate, 'webhook', (trigger) => matchWebhookTrigger(trigger, webhookDelivery)) ?? []),
  });
}

/**
 * The refs of the secrets the request is signed with. A source is secured as soon as one of its
 * triggers names a secret (enabled or not, so switching a trigger off never opens the source):
 * then an unsigned or wrongly signed request is refused outright.
 */
function verifySignature(
  deps: { secrets: SecretResolver; log: { warn(object: object, message: string): void } },
  request: WebhookRequest,
  candidates: readonly TriggerCandidate[],
): Set<string> {
  const refs = new Set(candidates.flatMap((candidate) => secretRefsOf(candidate, request.source)));
  const verified = new Set<string>();
  if (refs.size === 0) return verified;
  const signatures = signaturesOf(request.headers);
  for (const ref of refs) {
    const secret = deps.secrets(ref);
    if (secret === undefined) {
      deps.log.warn({ source: request.source, secret: ref }, 'a webhook trigger names a secret that is not configured; its deliveries cannot verify');
      continue;
    }
    if (signatures.length > 0 && signedWith(request.raw, signatures, secret)) verified.add(ref);
  }
  if (verified.size === 0) throw new UnsignedDeliveryError(request.source);
  return verified;
}

function secretRefsOf(candidate: TriggerCandidate, source: string): string[] {
  const triggers: unknown[] = Array.isArray(candidate.definition.triggers) ? candidate.definition.triggers : [];
  return triggers.flatMap((raw) => {
    const trigger = webhookTriggerSchema.safeParse(raw);
    return trigger.success && trigger.data.source === source && trigger.data.secret !== undefined ? [trigger.data.secret.ref] : [];
  });
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}
