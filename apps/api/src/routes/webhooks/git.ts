import type { IncomingHttpHeaders } from 'node:http';
import {
  decideForPipeline,
  gitTriggerListensTo,
  gitTriggerSchema,
  matchGitTrigger,
  readGitPush,
  type GitRepository,
  type GitSource,
  type SecretResolver,
  type TriggerCandidate,
} from '@gantry/core';
import { selectTriggerCandidates } from '@gantry/store';
import type { Answer, TriggerEndpointDeps } from './answer';
import { deliver } from './deliver';
import { UnauthenticatedSenderError, UnsignedDeliveryError, headerValue, type Sender } from './generic';
import { parsePayload } from './rawBody';
import { tokenMatches } from '../../auth/credentials';
import { signedByHost } from './signature';

export interface GitDeliveryRequest {
  host: GitSource;
  raw: Buffer;
  headers: IncomingHttpHeaders;
  explain: boolean;
  sender: Sender;
}

/** The header each host names its event in, and the one carrying its delivery id. */
const EVENT_HEADER: Record<GitSource, string> = { github: 'x-github-event', gitlab: 'x-gitlab-event', bitbucket: 'x-event-key', stash: 'x-event-key' };
const DELIVERY_HEADERS = ['x-github-delivery', 'x-gitlab-event-uuid', 'x-request-uuid', 'x-request-id', 'x-gantry-delivery'] as const;

/** A git trigger of a pipeline that listens to the pushed repository. */
interface Listener {
  candidate: TriggerCandidate;
  index: number;
  secret: string | { ref: string } | undefined;
}

/**
 * A push webhook from GitHub, GitLab or Bitbucket (`/webhooks/git/<host>`, echo's path): the push
 * is read as echo reads it, the triggers on that repository decide. A trigger with a secret fires
 * only for a delivery proven with it (GitHub's and Bitbucket's HMAC signature, GitLab's token);
 * when one of the repository's triggers has a secret, a delivery proven with none is refused (401).
 * Without secrets the sender needs an API token or the host configured open (`git:<host>`).
 */
export async function handleGitDelivery(
  deps: TriggerEndpointDeps & { secrets: SecretResolver; log: { warn(object: object, message: string): void } },
  request: GitDeliveryRequest,
): Promise<Answer> {
  const { host } = request;
  const actor = `git:${host}`;
  const payload = parsePayload(request.raw, headerValue(request.headers, 'content-type'));
  const deliveryId = DELIVERY_HEADERS.map((name) => headerValue(request.headers, name)).find((id) => id !== undefined);
  const reading = readGitPush(host, payload, headerValue(request.headers, EVENT_HEADER[host]));
  const repository = 'push' in reading ? reading.push : reading.repository;
  const candidates = repository === undefined ? [] : await selectTriggerCandidates(deps.pool, { type: 'git' });
  const listeners = repository === undefined ? [] : candidates.flatMap((candidate) => listenersOf(candidate, repository));
  // Proven before anything is said about the repository, even for a delivery that starts nothing.
  const verified = await proveSender(deps, request, listeners);
  if ('ignored' in reading) {
    // A ping, a tag or a pull request starts nothing: answered, so the host's test delivery shows green.
    return { statusCode: 200, body: { executions: [], duplicate: false, deliveryId: deliveryId ?? null, ...(request.explain ? { decisions: [] } : {}) } };
  }
  const { push } = reading;
  const key = (candidate: TriggerCandidate, index: number) => `${candidate.pipelineId}:${index}`;
  return deliver(deps, {
    kind: 'git',
    actor,
    claimScope: actor,
    deliveryId,
    explain: request.explain,
    event: { host, project: push.project, slug: push.slug, branch: push.branch, hash: push.hash, deliveryId: deliveryId ?? null },
    decide: () =>
      candidates.flatMap(
        (candidate) => decideForPipeline(candidate, 'git', (trigger, index) => matchGitTrigger(trigger, push, verified.has(key(candidate, index)), payload, actor)) ?? [],
      ),
  });
}

function listenersOf(candidate: TriggerCandidate, repository: GitRepository): Listener[] {
  const triggers: unknown[] = Array.isArray(candidate.definition.triggers) ? candidate.definition.triggers : [];
  return triggers.flatMap((raw, index): Listener[] => {
    const parsed = gitTriggerSchema.safeParse(raw);
    return parsed.success && gitTriggerListensTo(parsed.data, repository) ? [{ candidate, index, secret: parsed.data.secret }] : [];
  });
}

/** The listeners (`pipelineId:index`) whose secret the delivery is proven with; throws 401/403 as the sender deserves. */
async function proveSender(
  deps: { secrets: SecretResolver; log: { warn(object: object, message: string): void } },
  request: GitDeliveryRequest,
  listeners: readonly Listener[],
): Promise<Set<string>> {
  const keys = listeners.map((listener) => `${listener.candidate.pipelineId}:${listener.index}`);
  if ('authorize' in request.sender) {
    await request.sender.authorize([...new Set(listeners.map((listener) => listener.candidate.application))]);
    return new Set(keys);
  }
  const secured = listeners.filter((listener) => listener.secret !== undefined);
  const verified = new Set<string>();
  for (const listener of secured) {
    const secret = secretValue(deps, listener.secret);
    if (secret !== undefined && provenWith(request, secret)) verified.add(`${listener.candidate.pipelineId}:${listener.index}`);
  }
  if (secured.length > 0 && verified.size === 0) {
    const proof = request.host === 'gitlab' ? 'carry it in X-Gitlab-Token' : 'be signed with it (X-Hub-Signature-256, or X-Hub-Signature)';
    throw new UnsignedDeliveryError(`git/${request.host}`, `a git trigger on this repository has a secret: the delivery must ${proof}`);
  }
  if (secured.length === 0 && !request.sender.open) throw new UnauthenticatedSenderError(`git:${request.host}`);
  return verified;
}

function secretValue(deps: { secrets: SecretResolver; log: { warn(object: object, message: string): void } }, secret: Listener['secret']): string | undefined {
  if (secret === undefined || typeof secret === 'string') return secret;
  const value = deps.secrets(secret.ref);
  if (value === undefined) deps.log.warn({ secret: secret.ref }, 'a git trigger names a secret that is not configured; its deliveries cannot verify');
  return value;
}

function provenWith(request: GitDeliveryRequest, secret: string): boolean {
  // GitLab sends the secret itself; the others sign the body with it.
  if (request.host === 'gitlab') return tokenMatches(headerValue(request.headers, 'x-gitlab-token'), secret);
  return signedByHost(request.raw, request.headers, secret);
}
