import { z } from 'zod';
import type { Artifact } from '../artifacts';
import { isPlainObject } from '../celValues';
import type { ValidationIssue } from '../errors';
import { IRRELEVANT, miss, type TriggerMatch } from './match';
import { matchesWhole } from './payloadConstraints';
import { re2Problem } from '../re2';
import { SECRET_REF } from './webhook';

/** The hosts echo's git webhook understands; `stash` is Bitbucket Server's old name in Spinnaker. */
export const GIT_SOURCES = ['github', 'gitlab', 'bitbucket', 'stash'] as const;
export type GitSource = (typeof GIT_SOURCES)[number];

/**
 * Spinnaker's `{type: "git", source, project, slug, branch?, secret?}`: a push to the repository
 * `project/slug` on `source`, on a branch whose whole name matches the `branch` regex (any branch
 * when empty). `secret` is Spinnaker's form, the shared secret itself (GitHub signs the body with
 * it, GitLab sends it as X-Gitlab-Token); `{ref}` names a configured secret instead, Gantry's form.
 */
export const gitTriggerSchema = z.looseObject({
  type: z.literal('git'),
  enabled: z.boolean().default(true),
  source: z.enum(GIT_SOURCES),
  project: z.string().min(1),
  slug: z.string().min(1),
  branch: z.string().optional(),
  secret: z
    .union([
      z.string(),
      z.strictObject({ ref: z.string().regex(SECRET_REF, { message: 'a secret ref is letters, digits, "_" and "-"' }) }),
    ])
    .optional(),
  expectedArtifactIds: z.array(z.string()).optional(),
});

export type GitTrigger = z.output<typeof gitTriggerSchema>;

export function gitTriggerIssues(trigger: Record<string, unknown>): ValidationIssue[] {
  const { branch } = trigger;
  if (typeof branch !== 'string' || branch === '') return [];
  const problem = re2Problem(branch);
  return problem === undefined ? [] : [{ path: ['branch'], message: `invalid regex: ${problem}` }];
}

/** One push, as echo's per-host handlers read it from the host's payload. */
export interface GitPush {
  source: GitSource;
  project: string;
  slug: string;
  branch: string;
  hash: string;
  /** What the host calls the event (GitLab's object_kind, Bitbucket's event key). */
  action: string | undefined;
  /** The push deleted the branch: there is nothing to build. */
  deleted: boolean;
  artifacts: Artifact[];
}

/**
 * Why a payload is not a push a git trigger can act on (a ping, a tag, a pull request…), with the
 * repository when the payload names it (its triggers' secrets still authenticate the sender).
 */
export type GitPushReading = { push: GitPush } | { ignored: string; repository?: GitRepository };

/** A repository as git triggers name it. */
export interface GitRepository {
  source: GitSource;
  project: string;
  slug: string;
}

const ZERO_HASH = /^0+$/;

/**
 * Reads a push from a host's webhook payload, field by field as Spinnaker's echo does
 * (GitHub: owner name/login and repository name, `after`, `ref`; GitLab: project namespace and
 * name, `after`, `ref`; Bitbucket Cloud: owner and full name, the first change; Bitbucket Server:
 * project key and slug, the first change), with `event` the host's event header
 * (X-GitHub-Event, X-Gitlab-Event, X-Event-Key) when sent.
 */
export function readGitPush(source: GitSource, payload: unknown, event: string | undefined): GitPushReading {
  if (!isPlainObject(payload)) return { ignored: 'the payload is not a JSON object' };
  switch (source) {
    case 'github':
      return readGithubPush(payload, event);
    case 'gitlab':
      return readGitlabPush(payload);
    case 'bitbucket':
    case 'stash':
      // Bitbucket Server lists `changes`; Stash's post-receive hook, its predecessor, `refChanges`.
      return Array.isArray(payload.changes) || Array.isArray(payload.refChanges)
        ? readBitbucketServerPush(source, payload, event)
        : readBitbucketCloudPush(source, payload);
  }
}

function readGithubPush(payload: Record<string, unknown>, event: string | undefined): GitPushReading {
  const repository = record(payload.repository);
  const owner = record(repository.owner);
  const project = text(owner.name) ?? text(owner.login);
  const slug = text(repository.name);
  if (project === undefined || slug === undefined) return { ignored: 'the payload names no repository owner and name' };
  const named = { source: 'github', project, slug } as const;
  if (payload.hook_id !== undefined || event === 'ping') return { ignored: 'a GitHub ping', repository: named };
  if (event !== undefined && event !== 'push') return { ignored: `a GitHub "${event}" event, not a push`, repository: named };
  const ref = text(payload.ref);
  if (ref === undefined || !ref.startsWith('refs/heads/')) return { ignored: `${ref ?? 'no ref'} is not a branch`, repository: named };
  const hash = text(payload.after) ?? '';
  return {
    push: {
      source: 'github',
      project,
      slug,
      branch: ref.slice('refs/heads/'.length),
      hash,
      action: event,
      deleted: payload.deleted === true || ZERO_HASH.test(hash),
      artifacts: githubFileArtifacts(payload, hash),
    },
  };
}

/** Echo's GitHubArtifactExtractor: one `github/file` per file added or modified by the push, at its head commit. */
function githubFileArtifacts(payload: Record<string, unknown>, hash: string): Artifact[] {
  const contentsUrl = text(record(payload.repository).contents_url);
  if (contentsUrl === undefined || !Array.isArray(payload.commits)) return [];
  const files = new Set<string>();
  for (const commit of payload.commits) {
    const { added, modified } = record(commit);
    for (const list of [added, modified]) {
      if (!Array.isArray(list)) continue;
      for (const file of list as unknown[]) if (typeof file === 'string') files.add(file);
    }
  }
  return [...files].map((file) => ({ type: 'github/file', name: file, version: hash, reference: contentsUrl.replace('{+path}', file) }));
}

function readGitlabPush(payload: Record<string, unknown>): GitPushReading {
  const kind = text(payload.object_kind);
  if (kind !== 'push') return { ignored: `a GitLab "${kind ?? 'unknown'}" event, not a push` };
  const project = record(payload.project);
  const namespace = text(project.namespace);
  const name = text(project.name);
  const ref = text(payload.ref);
  if (namespace === undefined || name === undefined || ref === undefined) return { ignored: 'the payload names no project namespace, name or ref' };
  const hash = text(payload.after) ?? '';
  return {
    push: { source: 'gitlab', project: namespace, slug: name, branch: ref.replace(/^refs\/heads\//, ''), hash, action: kind, deleted: ZERO_HASH.test(hash), artifacts: [] },
  };
}

function readBitbucketCloudPush(source: GitSource, payload: Record<string, unknown>): GitPushReading {
  const changes = record(payload.push).changes;
  if (!Array.isArray(changes)) return { ignored: 'not a Bitbucket push (no push.changes)' };
  const change = record(changes[0]);
  const repository = record(payload.repository);
  const fullName = text(repository.full_name);
  if (fullName === undefined) return { ignored: 'the payload names no repository' };
  // Echo takes the project from owner.username; newer payloads have only the workspace, which is
  // the full name's first part.
  const [workspace = '', ...rest] = fullName.split('/');
  const project = text(record(repository.owner).username) ?? text(record(repository.workspace).slug) ?? workspace;
  const created = record(change.new);
  if (text(created.type) !== undefined && created.type !== 'branch') return { ignored: `a ${String(created.type)} push, not a branch` };
  const branch = text(created.name) ?? text(record(change.old).name) ?? '';
  const commits = Array.isArray(change.commits) ? change.commits : [];
  const hash = text(record(commits[0]).hash) ?? text(record(created.target).hash) ?? '';
  return {
    push: { source, project, slug: rest.join('/'), branch, hash, action: 'repo:push', deleted: change.new === null || change.closed === true, artifacts: [] },
  };
}

function readBitbucketServerPush(source: GitSource, payload: Record<string, unknown>, event: string | undefined): GitPushReading {
  const eventKey = event ?? text(payload.eventKey);
  if (eventKey !== undefined && eventKey !== 'repo:refs_changed') return { ignored: `a Bitbucket Server "${eventKey}" event, not a push` };
  const repository = record(payload.repository);
  const project = text(record(repository.project).key);
  const slug = text(repository.slug);
  if (project === undefined || slug === undefined) return { ignored: 'the payload names no project key and repository slug' };
  const changes = Array.isArray(payload.changes) ? payload.changes : Array.isArray(payload.refChanges) ? payload.refChanges : [];
  const change = record(changes[0]);
  const ref = record(change.ref);
  if (text(ref.type) !== undefined && ref.type !== 'BRANCH') return { ignored: `a ${String(ref.type)} change, not a branch` };
  const refId = text(ref.id) ?? text(change.refId) ?? '';
  if (refId !== '' && !refId.startsWith('refs/heads/')) return { ignored: `${refId} is not a branch` };
  const hash = text(change.toHash) ?? '';
  return {
    push: {
      source,
      project,
      slug,
      branch: refId.replace(/^refs\/heads\//, ''),
      hash,
      action: 'repo:refs_changed',
      deleted: change.type === 'DELETE' || ZERO_HASH.test(hash),
      artifacts: [],
    },
  };
}

/** Bitbucket Cloud and Server share a trigger source in Spinnaker (`bitbucket`); `stash` reads the same. */
function sameSource(trigger: GitSource, push: GitSource): boolean {
  const family = (source: GitSource) => (source === 'stash' ? 'bitbucket' : source);
  return family(trigger) === family(push);
}

/** Whether a git trigger listens to the repository: same source family, project and slug, ignoring case. */
export function gitTriggerListensTo(trigger: Pick<GitTrigger, 'source' | 'project' | 'slug'>, repository: GitRepository): boolean {
  return (
    sameSource(trigger.source, repository.source) &&
    trigger.project.toLowerCase() === repository.project.toLowerCase() &&
    trigger.slug.toLowerCase() === repository.slug.toLowerCase()
  );
}

/**
 * Echo's GitEventHandler: same source, project and slug (ignoring case), a branch the trigger's
 * regex matches in full, and, when the trigger has a secret, a delivery proven with it.
 */
export function matchGitTrigger(trigger: GitTrigger, push: GitPush, secretVerified: boolean, payload: unknown, user: string): TriggerMatch {
  if (!gitTriggerListensTo(trigger, push)) return IRRELEVANT;
  if (trigger.branch !== undefined && trigger.branch !== '' && !matchesWhole(trigger.branch, push.branch)) {
    return miss(`branch "${push.branch}" does not match /${trigger.branch}/`);
  }
  if (trigger.secret !== undefined && !secretVerified) return miss("the delivery is not proven with the trigger's secret");
  if (push.deleted) return miss(`the push deleted branch "${push.branch}"`);
  return {
    result: 'match',
    trigger: {
      type: 'git',
      source: trigger.source,
      project: trigger.project,
      slug: trigger.slug,
      // As echo does: the execution's trigger names the branch pushed, not the trigger's pattern.
      branch: push.branch,
      hash: push.hash,
      ...(push.action === undefined ? {} : { action: push.action }),
      user,
      payload,
      artifacts: push.artifacts,
    },
    parameters: {},
  };
}

function record(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
