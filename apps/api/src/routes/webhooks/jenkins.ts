import { ValidationError, decideForPipeline, jenkinsBuildEvent, jenkinsNotificationSchema, matchJenkinsTrigger } from '@gantry/core';
import { selectTriggerCandidates } from '@gantry/store';
import { parseNullsAsAbsent } from '../../validation/nullAsAbsent';
import { attemptZod } from '../../validation/validatorCompiler';
import { fireAndAnswer, type Answer, type TriggerEndpointDeps } from './answer';
import { parsePayload } from './rawBody';
import { checkSenderToken } from './senderToken';
import type { SecretResolver } from '@gantry/core';

export interface JenkinsNotificationRequest {
  /** From X-Jenkins-Master, else ?master=. */
  master: string | undefined;
  raw: Buffer;
  contentType: string | undefined;
  explain: boolean;
  /** An authorized token holder, or the master's token as sent (X-Gantry-Token or ?token=) and whether the master is open. */
  sender: { authorize: (applications: string[]) => Promise<void> } | { token: string | undefined; open: (master: string) => boolean };
}

/** The secret a Jenkins master proves itself with: Jenkins cannot sign, so it sends this token. */
export const jenkinsTokenSecret = (master: string) => `jenkins-${master}`;


/**
 * One Notification plugin post: every pipeline with a jenkins trigger on this master and job is
 * decided on (started, or skipped with why: another phase, a failed build, missing parameters).
 * The launch key is master + job + build number (+ its timestamp when sent), so the plugin's
 * repeated posts (COMPLETED, then FINALIZED; retries) start each pipeline once per build.
 */
export async function handleJenkinsNotification(
  deps: TriggerEndpointDeps & { secrets: SecretResolver },
  request: JenkinsNotificationRequest,
): Promise<Answer> {
  const master = request.master?.trim();
  if (master === undefined || master === '') {
    throw new ValidationError('which Jenkins master sent this? Set the X-Jenkins-Master header or ?master=', [
      { path: ['master'], message: 'name the Jenkins master in the X-Jenkins-Master header or the master query parameter' },
    ]);
  }
  const { sender } = request;
  if (!('authorize' in sender) && !sender.open(master)) checkSenderToken(`Jenkins master ${master}`, jenkinsTokenSecret(master), sender.token, deps.secrets(jenkinsTokenSecret(master)));
  // The notifier sends `"status": null` until a build has a result (QUEUED, STARTED).
  const parsed = parseNullsAsAbsent(parsePayload(request.raw, request.contentType), attemptZod(jenkinsNotificationSchema));
  if (!parsed.ok) throw parsed.error;
  const event = jenkinsBuildEvent(master, parsed.value);
  const candidates = await selectTriggerCandidates(deps.pool, { type: 'jenkins', master });
  if ('authorize' in sender) await sender.authorize([...new Set(candidates.map((candidate) => candidate.application))]);
  const decisions = candidates.flatMap((candidate) => decideForPipeline(candidate, 'jenkins', (trigger) => matchJenkinsTrigger(trigger, event)) ?? []);
  const { job } = event;
  const { answer } = await fireAndAnswer(deps, decisions, {
    kind: 'jenkins',
    actor: `jenkins:${master}`,
    event: { master, job, build: event.number, phase: event.phase, status: event.status ?? null },
    idempotencyKey: (decision) => `jenkins:${master}:${job}:${event.number}:${event.timestamp ?? ''}:${decision.candidate.pipelineId}`,
    deliveryId: undefined,
    explain: request.explain,
  });
  return answer;
}
