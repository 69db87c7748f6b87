import { z } from 'zod';
import { dockerImageArtifact } from '../artifacts';
import { isPlainObject } from '../celValues';
import type { ValidationIssue } from '../errors';
import { IRRELEVANT, miss, type TriggerMatch } from './match';
import { matchesWhole } from './payloadConstraints';
import { re2Problem } from '../re2';

/**
 * Spinnaker's `{type: "docker", registry?, account?, organization?, repository, tag?}`: a new tag
 * of `repository` (`org/name`) whose whole name matches the `tag` regex; without `tag`, any tag
 * but `latest` (echo's rule: `latest` moves on every push and would fire on each). `registry` is
 * the registry's host (`index.docker.io` for Docker Hub); without it any registry's push of that
 * repository matches. `account` is Spinnaker's name for the registry and is kept, not matched.
 */
export const dockerTriggerSchema = z.looseObject({
  type: z.literal('docker'),
  enabled: z.boolean().default(true),
  registry: z.string().min(1).optional(),
  account: z.string().optional(),
  organization: z.string().optional(),
  /** Echo ignores a docker trigger without one (it never fires); so does Gantry, saying why. */
  repository: z.string().optional(),
  tag: z.string().optional(),
  expectedArtifactIds: z.array(z.string()).optional(),
});

export type DockerTrigger = z.output<typeof dockerTriggerSchema>;

export function dockerTriggerIssues(trigger: Record<string, unknown>): ValidationIssue[] {
  const { tag } = trigger;
  if (typeof tag !== 'string' || tag.trim() === '') return [];
  const problem = re2Problem(tag.trim());
  return problem === undefined ? [] : [{ path: ['tag'], message: `invalid regex: ${problem}` }];
}

/** One new tag in one registry: from a push notification, or found by polling the registry. */
export interface DockerPush {
  registry: string;
  repository: string;
  tag: string;
  digest: string | undefined;
  /** What names this push in its sender's records (a registry event's id, Docker Hub's callback URL): one push, one launch. */
  eventId: string | undefined;
}

/** Docker Hub's registry host as Spinnaker's docker accounts name it. */
export const DOCKER_HUB = 'index.docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** `docker.io` and Docker Hub's other host names are one registry; a port or case makes no difference to the name. */
export function normalizeRegistry(registry: string): string {
  const host = registry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** A Docker Hub repository without an organisation is an official image, `library/<name>`. */
export function normalizeRepository(registry: string, repository: string): string {
  return registry === DOCKER_HUB && !repository.includes('/') ? `library/${repository}` : repository;
}

/**
 * The pushes in a registry's webhook: Docker Hub's (`push_data.tag`, `repository.repo_name`), or
 * the Docker distribution registry's notification envelope (`events[]` whose action is `push` and
 * whose target names a tag; blob pushes and pushes by digest name none), the registry being the
 * host it was addressed as (`request.host`).
 */
export function readDockerPushes(payload: unknown): { pushes: DockerPush[]; ignored: string[] } {
  if (!isPlainObject(payload)) return { pushes: [], ignored: ['the payload is not a JSON object'] };
  if (Array.isArray(payload.events)) return readRegistryEnvelope(payload.events);
  const pushData = isPlainObject(payload.push_data) ? payload.push_data : undefined;
  const repository = isPlainObject(payload.repository) ? payload.repository : undefined;
  if (pushData !== undefined && repository !== undefined) {
    const tag = typeof pushData.tag === 'string' ? pushData.tag : '';
    const name = typeof repository.repo_name === 'string' ? repository.repo_name : '';
    if (tag === '' || name === '') return { pushes: [], ignored: ['the Docker Hub push names no tag or repository'] };
    // Docker Hub's callback URL is unique to the push (it is where the receiver reports back).
    const eventId = typeof payload.callback_url === 'string' && payload.callback_url !== '' ? payload.callback_url : undefined;
    return { pushes: [{ registry: DOCKER_HUB, repository: normalizeRepository(DOCKER_HUB, name), tag, digest: undefined, eventId }], ignored: [] };
  }
  return { pushes: [], ignored: ['neither a Docker Hub webhook (push_data) nor a registry notification envelope (events)'] };
}

function readRegistryEnvelope(events: unknown[]): { pushes: DockerPush[]; ignored: string[] } {
  const pushes: DockerPush[] = [];
  const ignored: string[] = [];
  for (const [index, event] of events.entries()) {
    if (!isPlainObject(event)) continue;
    const target = isPlainObject(event.target) ? event.target : {};
    const request = isPlainObject(event.request) ? event.request : {};
    if (event.action !== 'push') {
      ignored.push(`event ${index} is a ${String(event.action)}, not a push`);
      continue;
    }
    const tag = typeof target.tag === 'string' ? target.tag : '';
    const repository = typeof target.repository === 'string' ? target.repository : '';
    const host = typeof request.host === 'string' ? request.host : '';
    if (tag === '' || repository === '' || host === '') {
      ignored.push(`event ${index} names no tag (a blob, or a manifest pushed by digest), repository or registry host`);
      continue;
    }
    const registry = normalizeRegistry(host);
    pushes.push({
      registry,
      repository: normalizeRepository(registry, repository),
      tag,
      digest: typeof target.digest === 'string' ? target.digest : undefined,
      eventId: typeof event.id === 'string' && event.id !== '' ? event.id : undefined,
    });
  }
  return { pushes, ignored };
}

/** Echo's DockerEventHandler, with the registry matched by host since a webhook has no Spinnaker account. */
export function matchDockerTrigger(trigger: DockerTrigger, push: DockerPush, user: string): TriggerMatch {
  if (trigger.repository === undefined || trigger.repository === '') return miss('the trigger names no repository: it never fires');
  const registry = normalizeRegistry(push.registry);
  if (trigger.registry !== undefined && normalizeRegistry(trigger.registry) !== registry) return IRRELEVANT;
  if (normalizeRepository(registry, trigger.repository) !== push.repository) return IRRELEVANT;
  const pattern = trigger.tag?.trim();
  if (pattern === undefined || pattern === '') {
    if (push.tag === 'latest') return miss('the tag is "latest": a trigger without a tag pattern ignores it');
  } else if (!matchesWhole(pattern, push.tag)) {
    return miss(`tag "${push.tag}" does not match /${pattern}/`);
  }
  return {
    result: 'match',
    trigger: {
      type: 'docker',
      registry,
      repository: push.repository,
      tag: push.tag,
      ...(push.digest === undefined ? {} : { digest: push.digest }),
      ...(trigger.account === undefined ? {} : { account: trigger.account }),
      user,
      artifacts: [dockerImageArtifact(registry, push.repository, push.tag)],
    },
    parameters: {},
  };
}
