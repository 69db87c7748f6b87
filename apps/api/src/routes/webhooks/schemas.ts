import { z } from 'zod';
import { GIT_SOURCES, PUBSUB_SYSTEMS, WEBHOOK_SOURCE, jenkinsNotificationSchema } from '@gantry/core';
import { errorResponseSchema, errorResponses, uuid } from '../commonSchemas';

const explain = z
  .stringbool({ error: 'must be true or false' })
  .optional()
  .describe('List every pipeline that listens for this event with what happened to it, near misses with why');

const executionRef = z.object({
  id: uuid,
  pipelineId: uuid,
  pipelineName: z.string(),
  application: z.string(),
  duplicate: z.boolean().describe('This event had started it before (a redelivery or a repeated notification)'),
});

const decision = z.object({
  pipelineId: uuid,
  pipelineName: z.string(),
  application: z.string(),
  triggerIndex: z.number().int().nullable().describe('The trigger that matched, if one did'),
  outcome: z.enum(['started', 'duplicate', 'skipped']),
  reason: z.string().optional().describe('Why it did not start, e.g. "trigger 0: \\"ref\\" is \\"refs/heads/dev\\", not \\"refs/heads/main\\""'),
  executionId: uuid.optional(),
});

export const triggerResponseSchema = z
  .object({
    executions: z.array(executionRef).describe('The executions this event started (202), or had started before (200)'),
    duplicate: z.boolean().describe('A redelivery of a delivery id seen in the last 24 hours: nothing new was started'),
    deliveryId: z.string().nullable(),
    decisions: z.array(decision).optional().describe('With ?explain=true only'),
  })
  .meta({ id: 'TriggerResponse' });

export type TriggerResponse = z.output<typeof triggerResponseSchema>;

const unauthorized = {
  401: {
    description: 'UNAUTHORIZED: the source has a secret and the request carries no valid signature',
    content: { 'application/json': { schema: errorResponseSchema } },
  },
};

const answers = {
  200: triggerResponseSchema.describe('Nothing new started (no trigger matched, or a redelivery)'),
  202: triggerResponseSchema.describe('At least one execution started'),
};

export const jenkinsSchema = {
  tags: ['triggers'],
  summary: 'A build notification from the Jenkins Notification plugin (JSON format)',
  description:
    'Starts pipelines with a jenkins trigger on this master and job whose build ended as the trigger asks (default: phase COMPLETED, status SUCCESS). One execution per pipeline per build number.',
  headers: z.looseObject({
    'x-jenkins-master': z.string().min(1).max(200).optional().describe('The Jenkins master, as named in triggers (or ?master=)'),
    'x-gantry-token': z.string().min(1).max(500).optional().describe("The master's token: the configured secret jenkins-<master> (or ?token=)"),
  }),
  querystring: z.object({
    master: z.string().min(1).max(200).optional().describe('The Jenkins master, when the notifier cannot set a header'),
    token: z.string().min(1).max(500).optional().describe("The master's token (secret jenkins-<master>), when the notifier cannot set X-Gantry-Token"),
    explain,
  }),
  body: jenkinsNotificationSchema,
  response: { ...answers, ...errorResponses(400, 413, 415) },
};

export const webhookSchema = {
  tags: ['triggers'],
  summary: 'A webhook delivery from any source (GitHub, GitLab, a script…)',
  description: [
    'Starts pipelines with a webhook trigger on this source whose payloadConstraints the JSON payload meets.',
    'When a trigger of the source names a secret, the request must be signed: `X-Gantry-Signature: sha256=<hex>` or',
    "GitHub's `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body; otherwise 401 and nothing starts.",
    'A delivery id (`X-GitHub-Delivery` or `X-Gantry-Delivery`) seen in the last 24 hours starts nothing and answers with the first delivery’s executions.',
  ].join(' '),
  headers: z.looseObject({
    'x-gantry-signature': z.string().optional().describe('sha256=<hex HMAC-SHA256 of the raw body>'),
    'x-hub-signature-256': z.string().optional().describe("GitHub's signature header, same format"),
    'x-gantry-delivery': z.string().min(1).max(200).optional().describe('A unique id per delivery, for de-duplication'),
    'x-github-delivery': z.string().min(1).max(200).optional().describe("GitHub's delivery id"),
  }),
  params: z.object({
    source: z.string().regex(WEBHOOK_SOURCE, { message: 'a source is letters, digits, ".", "_" and "-" (at most 100)' }),
  }),
  querystring: z.object({ explain }),
  body: z.record(z.string(), z.unknown()).describe('Any JSON payload (or a form-encoded `payload=<json>`, as GitHub can send)'),
  response: { ...answers, ...unauthorized, ...errorResponses(400, 413, 415) },
};

const tokenHeaders = (secret: string) =>
  z.looseObject({
    'x-gantry-token': z.string().min(1).max(500).optional().describe(`The sender's token: the configured secret ${secret} (or ?token=)`),
  });
const tokenQuery = (secret: string) =>
  z.object({
    token: z.string().min(1).max(500).optional().describe(`The sender's token (secret ${secret}), for senders that cannot set a header`),
    explain,
  });

export const gitWebhookSchema = {
  tags: ['triggers'],
  summary: "A push webhook from GitHub, GitLab or Bitbucket (Spinnaker echo's /webhooks/git/<host>)",
  description: [
    "Starts pipelines with a git trigger on the pushed repository (source, project, slug) whose branch regex matches the pushed branch.",
    "A trigger with a secret fires only for a delivery proven with it: GitHub's X-Hub-Signature-256 (or X-Hub-Signature), Bitbucket's X-Hub-Signature, GitLab's X-Gitlab-Token;",
    'a delivery proven with none of the repository’s secrets is refused (401). Without secrets: an API token with EXECUTE, or the host listed as git:<host> in GANTRY_WEBHOOK_OPEN_SOURCES.',
    'Pings, tags and pull requests start nothing (200). A delivery id seen in the last 24 hours starts nothing again.',
  ].join(' '),
  headers: z.looseObject({
    'x-hub-signature-256': z.string().optional().describe("GitHub's sha256=<hex HMAC-SHA256 of the body>"),
    'x-hub-signature': z.string().optional().describe("GitHub's sha1=<hex HMAC-SHA1>, Bitbucket's sha256=<hex HMAC-SHA256>"),
    'x-gitlab-token': z.string().optional().describe("GitLab's secret token"),
    'x-github-event': z.string().optional(),
    'x-event-key': z.string().optional().describe("Bitbucket's event (repo:push, repo:refs_changed)"),
    'x-github-delivery': z.string().min(1).max(200).optional(),
    'x-gitlab-event-uuid': z.string().min(1).max(200).optional(),
    'x-request-uuid': z.string().min(1).max(200).optional(),
  }),
  params: z.object({ host: z.enum(GIT_SOURCES).describe('github, gitlab, bitbucket (Cloud and Server) or stash') }),
  querystring: z.object({ explain }),
  body: z.record(z.string(), z.unknown()).describe("The host's push event JSON"),
  response: { ...answers, ...unauthorized, ...errorResponses(400, 403, 413, 415) },
};

export const dockerWebhookSchema = {
  tags: ['triggers'],
  summary: "A registry's push notification: Docker Hub's webhook or the Docker distribution registry's event envelope",
  description:
    "Starts pipelines with a docker trigger on the pushed repository (and registry) whose tag regex matches the pushed tag (without one: any tag but latest). The execution's trigger carries tag, registry, repository and a docker/image artifact. Each pushed tag starts each pipeline once.",
  headers: tokenHeaders('docker-<source>'),
  params: z.object({ source: z.string().regex(WEBHOOK_SOURCE, { message: 'a source is letters, digits, ".", "_" and "-" (at most 100)' }) }),
  querystring: tokenQuery('docker-<source>'),
  body: z.record(z.string(), z.unknown()).describe('Docker Hub webhook JSON, or {events: [...]} (application/vnd.docker.distribution.events.v1+json)'),
  response: { ...answers, ...errorResponses(400, 401, 403, 413, 415) },
};

export const pubsubPushSchema = {
  tags: ['triggers'],
  summary: 'A message from a Google Pub/Sub push subscription',
  description:
    "Starts pipelines with a pubsub trigger on the message's subscription whose payloadConstraints (on the JSON of message.data) and attributeConstraints (on message.attributes) it meets, each a regex over the whole value. A message id seen in the last 24 hours starts nothing again.",
  headers: tokenHeaders('pubsub-<system>'),
  params: z.object({ system: z.enum(PUBSUB_SYSTEMS) }),
  querystring: tokenQuery('pubsub-<system>'),
  body: z.record(z.string(), z.unknown()).describe('{message: {data: <base64>, attributes, messageId}, subscription: "projects/<p>/subscriptions/<name>"}'),
  response: { ...answers, ...errorResponses(400, 401, 403, 413, 415) },
};
