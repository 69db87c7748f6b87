import { decideForPipeline, matchDockerTrigger, readDockerPushes, type DockerPush, type PipelineDecision, type SecretResolver } from '@gantry/core';
import { selectTriggerCandidates } from '@gantry/store';
import type { Answer, TriggerEndpointDeps } from './answer';
import { deliver } from './deliver';
import { parsePayload } from './rawBody';
import { checkSenderToken, type TokenSender } from './senderToken';

export interface DockerDeliveryRequest {
  /** The name the registry posts as (`/webhooks/docker/<source>`): its token is the secret docker-<source>. */
  source: string;
  raw: Buffer;
  contentType: string | undefined;
  explain: boolean;
  sender: TokenSender;
}

const dockerTokenSecret = (source: string) => `docker-${source}`;

/**
 * A registry's push notification (Docker Hub's webhook, or the Docker distribution registry's
 * event envelope): every tagged push decides every docker trigger on its repository. Each push
 * starts each pipeline once, keyed by the registry's event id (Docker Hub: its callback URL), so a
 * registry retrying a notification starts nothing twice.
 */
export async function handleDockerDelivery(deps: TriggerEndpointDeps & { secrets: SecretResolver }, request: DockerDeliveryRequest): Promise<Answer> {
  const { source, sender } = request;
  const actor = `docker:${source}`;
  if (!('authorize' in sender) && !sender.open) {
    checkSenderToken(`docker source ${source}`, dockerTokenSecret(source), sender.token, deps.secrets(dockerTokenSecret(source)));
  }
  const { pushes, ignored } = readDockerPushes(parsePayload(request.raw, request.contentType));
  const candidates = pushes.length === 0 ? [] : await selectTriggerCandidates(deps.pool, { type: 'docker' });
  const pushOf = new Map<PipelineDecision, DockerPush>();
  const decisions = pushes.flatMap((push) =>
    candidates.flatMap((candidate) => {
      const decision = decideForPipeline(candidate, 'docker', (trigger) => matchDockerTrigger(trigger, push, actor));
      if (decision === undefined) return [];
      pushOf.set(decision, push);
      return [decision];
    }),
  );
  if ('authorize' in sender) await sender.authorize([...new Set(decisions.map((decision) => decision.candidate.application))]);
  return deliver(deps, {
    kind: 'docker',
    actor,
    claimScope: actor,
    deliveryId: undefined,
    explain: request.explain,
    event: { source, pushes: pushes.map((push) => `${push.registry}/${push.repository}:${push.tag}`), ignored },
    decide: () => decisions,
    eventKey: (decision) => {
      const push = pushOf.get(decision);
      return push?.eventId === undefined ? undefined : `${actor}:${push.eventId}:${push.registry}/${push.repository}:${push.tag}:${decision.candidate.pipelineId}`;
    },
  });
}
