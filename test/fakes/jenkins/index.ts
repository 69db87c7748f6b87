import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, readBody, RequestLog } from '../httpServer';

/**
 * A Jenkins master speaking the remote access API the jenkins stage uses, with state: jobs in
 * folders, a global queue whose items become builds after `queueDelayMs` (or wait until the test
 * releases or cancels them), builds that run for `durationMs` and end with their job's `result`,
 * archived artifacts, `stop`, HTTP Basic with user and API token (401 otherwise) and CSRF crumbs
 * tied to a session cookie (403 for a POST without one), as Jenkins 2.x answers them.
 */
export interface FakeJobParameter {
  name: string;
  /** Jenkins's definition type: StringParameterDefinition (default), ChoiceParameterDefinition, BooleanParameterDefinition. */
  type?: string;
  defaultValue?: string;
  choices?: string[];
}

export interface FakeJob {
  result?: 'SUCCESS' | 'UNSTABLE' | 'FAILURE' | 'ABORTED';
  parameters?: FakeJobParameter[];
  /** Archived files by relative path; `${NAME}` is replaced by the build's parameter NAME, `${BUILD_NUMBER}` by its number. */
  artifacts?: Record<string, string>;
  durationMs?: number;
  buildable?: boolean;
  /** Items of this job stay in the queue until `release` or a cancel. */
  holdInQueue?: boolean;
  scm?: { branch: string; sha1: string; remoteUrl: string };
}

interface QueueItem {
  id: number;
  job: string;
  parameters: Record<string, string> | null;
  queuedAt: number;
  cancelled: boolean;
  released: boolean;
  buildNumber?: number;
}

interface Build {
  job: string;
  number: number;
  queueId: number;
  parameters: Record<string, string> | null;
  startedAt: number;
  result: string | null;
  endedAt?: number;
}

export interface FakeJenkinsRequest {
  method: string;
  path: string;
  body: string;
}

export interface FakeJenkins {
  url: string;
  /** Adds or replaces a job (`folder/job` for one in a folder). */
  setJob(name: string, job: FakeJob): void;
  /** Lets a held queue item become a build. */
  release(queueId: number): void;
  /** Cancels a queue item as a Jenkins user would. */
  cancelQueueItem(queueId: number): void;
  queueItems(): { id: number; job: string; cancelled: boolean; buildNumber?: number; parameters: Record<string, string> | null }[];
  builds(job: string): { number: number; result: string | null; building: boolean; parameters: Record<string, string> | null }[];
  /** `job #number` of each stop received, in order. */
  stops(): string[];
  requests(): FakeJenkinsRequest[];
  close(): Promise<void>;
}

export async function startFakeJenkins(options: { user: string; apiToken: string; jobs?: Record<string, FakeJob>; queueDelayMs?: number }): Promise<FakeJenkins> {
  const jobs = new Map(Object.entries(options.jobs ?? {}));
  const queue: QueueItem[] = [];
  const builds: Build[] = [];
  const stops: string[] = [];
  const log = new RequestLog<FakeJenkinsRequest>();
  const sessions = new Map<string, string>();
  const queueDelayMs = options.queueDelayMs ?? 50;
  let nextQueueId = 1;
  let base = '';

  const jobUrl = (name: string) => `${base}${name.split('/').map((part) => `/job/${encodeURIComponent(part)}`).join('')}/`;
  const nextNumber = (name: string) => builds.filter((build) => build.job === name).length + 1;

  /** Moves time on: due queue items start, due builds finish. */
  function advance(now: number): void {
    for (const item of queue) {
      const job = jobs.get(item.job);
      if (item.cancelled || item.buildNumber !== undefined || job === undefined) continue;
      if (job.holdInQueue === true ? !item.released : now - item.queuedAt < queueDelayMs) continue;
      item.buildNumber = nextNumber(item.job);
      builds.push({ job: item.job, number: item.buildNumber, queueId: item.id, parameters: item.parameters, startedAt: now, result: null });
    }
    for (const build of builds) {
      const job = jobs.get(build.job);
      if (build.result !== null || job === undefined) continue;
      if (now - build.startedAt >= (job.durationMs ?? 100)) {
        build.result = job.result ?? 'SUCCESS';
        build.endedAt = now;
      }
    }
  }

  const parametersAction = (parameters: Record<string, string> | null) =>
    parameters === null
      ? []
      : [{ _class: 'hudson.model.ParametersAction', parameters: Object.entries(parameters).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })) }];

  const buildJson = (build: Build) => {
    const job = jobs.get(build.job) ?? {};
    const done = build.result !== null;
    const artifacts = done ? Object.keys(job.artifacts ?? {}) : [];
    return {
      _class: 'hudson.model.FreeStyleBuild',
      actions: [
        ...parametersAction(build.parameters),
        { _class: 'hudson.model.CauseAction', causes: [{ _class: 'hudson.model.Cause$UserIdCause', userId: options.user }] },
        ...(job.scm === undefined
          ? []
          : [
              {
                _class: 'hudson.plugins.git.util.BuildData',
                lastBuiltRevision: { SHA1: job.scm.sha1, branch: [{ SHA1: job.scm.sha1, name: job.scm.branch }] },
                remoteUrls: [job.scm.remoteUrl],
              },
            ]),
      ],
      artifacts: artifacts.map((path) => ({ displayPath: path.split('/').pop(), fileName: path.split('/').pop(), relativePath: path })),
      building: !done,
      duration: done ? (build.endedAt ?? build.startedAt) - build.startedAt : 0,
      fullDisplayName: `${build.job.split('/').join(' » ')} #${build.number}`,
      id: String(build.number),
      number: build.number,
      queueId: build.queueId,
      result: build.result,
      timestamp: build.startedAt,
      url: `${jobUrl(build.job)}${build.number}/`,
    };
  };

  const queueItemJson = (item: QueueItem) => {
    const task = { _class: 'hudson.model.FreeStyleProject', name: item.job.split('/').pop(), url: jobUrl(item.job) };
    if (item.cancelled || item.buildNumber !== undefined) {
      return {
        _class: 'hudson.model.Queue$LeftItem',
        actions: parametersAction(item.parameters),
        id: item.id,
        task,
        cancelled: item.cancelled,
        executable: item.buildNumber === undefined ? null : { _class: 'hudson.model.FreeStyleBuild', number: item.buildNumber, url: `${jobUrl(item.job)}${item.buildNumber}/` },
      };
    }
    return {
      _class: 'hudson.model.Queue$WaitingItem',
      actions: parametersAction(item.parameters),
      blocked: false,
      buildable: false,
      id: item.id,
      inQueueSince: item.queuedAt,
      params: item.parameters === null ? '' : Object.entries(item.parameters).map(([name, value]) => `\n${name}=${value}`).join(''),
      stuck: false,
      task,
      why: 'In the quiet period.',
    };
  };

  function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: string): void {
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
      res.end(JSON.stringify(value));
    };
    const html = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/html;charset=utf-8', ...headers });
      res.end(`<html><body><h2>HTTP ERROR ${status} ${text}</h2></body></html>`);
    };
    if (req.method === 'GET' && path === '/crumbIssuer/api/json') {
      const session = randomBytes(8).toString('hex');
      const crumb = randomBytes(16).toString('hex');
      sessions.set(session, crumb);
      return send(200, { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb, crumbRequestField: 'Jenkins-Crumb' }, { 'Set-Cookie': `JSESSIONID.fake=${session}; Path=/; HttpOnly` });
    }
    if (req.method === 'POST') {
      const session = /JSESSIONID\.fake=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (session === undefined || sessions.get(session) !== req.headers['jenkins-crumb']) return html(403, 'No valid crumb was included in the request');
    }
    if (path === '/queue/api/json' && req.method === 'GET') {
      return send(200, { _class: 'hudson.model.Queue', items: queue.filter((item) => !item.cancelled && item.buildNumber === undefined).map(queueItemJson) });
    }
    const itemMatch = /^\/queue\/item\/(\d+)\/api\/json$/.exec(path);
    if (itemMatch !== null && req.method === 'GET') {
      const item = queue.find((candidate) => candidate.id === Number(itemMatch[1]));
      return item === undefined ? html(404, 'Not Found') : send(200, queueItemJson(item));
    }
    if (path === '/queue/cancelItem' && req.method === 'POST') {
      const item = queue.find((candidate) => candidate.id === Number(query.get('id')));
      if (item !== undefined && item.buildNumber === undefined) item.cancelled = true;
      res.writeHead(302, { Location: `${base}/queue/` });
      return void res.end();
    }
    // /job/a/job/b/<rest>: the job's full name and what follows it.
    const segments = path.split('/').slice(1);
    const names: string[] = [];
    while (segments[0] === 'job' && segments[1] !== undefined) {
      names.push(decodeURIComponent(segments[1]));
      segments.splice(0, 2);
    }
    const name = names.join('/');
    const job = jobs.get(name);
    if (names.length === 0 || job === undefined) return html(404, 'Not Found');
    const rest = segments.join('/');
    if (rest === 'api/json' && req.method === 'GET') {
      const own = builds.filter((build) => build.job === name).sort((a, b) => b.number - a.number);
      return send(200, {
        _class: 'hudson.model.FreeStyleProject',
        name: names.at(-1),
        fullName: name,
        url: jobUrl(name),
        buildable: job.buildable !== false,
        // Jenkins numbers a build when it leaves the queue, not when it is queued.
        nextBuildNumber: nextNumber(name),
        property: job.parameters === undefined
          ? []
          : [
              {
                _class: 'hudson.model.ParametersDefinitionProperty',
                parameterDefinitions: job.parameters.map((parameter) => ({
                  _class: `hudson.model.${parameter.type ?? 'StringParameterDefinition'}`,
                  name: parameter.name,
                  type: parameter.type ?? 'StringParameterDefinition',
                  defaultParameterValue: { _class: 'hudson.model.StringParameterValue', name: parameter.name, value: parameter.defaultValue ?? parameter.choices?.[0] ?? '' },
                  ...(parameter.choices === undefined ? {} : { choices: parameter.choices }),
                })),
              },
            ],
        builds: own.map((build) => ({ _class: 'hudson.model.FreeStyleBuild', number: build.number, url: `${jobUrl(name)}${build.number}/`, queueId: build.queueId, actions: parametersAction(build.parameters) })),
      });
    }
    if ((rest === 'build' || rest === 'buildWithParameters') && req.method === 'POST') {
      if (job.buildable === false) return html(409, `${name} is disabled`);
      const definitions = job.parameters ?? [];
      if (rest === 'buildWithParameters' && definitions.length === 0) return html(400, `${name} is not parameterized`);
      if (rest === 'build' && definitions.length > 0) return html(400, 'This page expects a form submission');
      let parameters: Record<string, string> | null = null;
      if (rest === 'buildWithParameters') {
        const given = new URLSearchParams(body);
        for (const [key, value] of query) given.append(key, value);
        // Jenkins keeps only the parameters the job defines (SECURITY-170), defaults for the rest.
        parameters = Object.fromEntries(definitions.map((definition) => [definition.name, given.get(definition.name) ?? definition.defaultValue ?? definition.choices?.[0] ?? '']));
        const badChoice = definitions.find((definition) => definition.choices !== undefined && !definition.choices.includes(parameters![definition.name]!));
        if (badChoice !== undefined) return html(400, `Illegal choice for parameter ${badChoice.name}`);
      }
      const item: QueueItem = { id: nextQueueId++, job: name, parameters, queuedAt: Date.now(), cancelled: false, released: false };
      queue.push(item);
      res.writeHead(201, { Location: `${base}/queue/item/${item.id}/` });
      return void res.end();
    }
    const buildMatch = /^(\d+)\/(api\/json|stop|artifact\/(.+))$/.exec(rest);
    const build = buildMatch === null ? undefined : builds.find((candidate) => candidate.job === name && candidate.number === Number(buildMatch[1]));
    if (buildMatch === null || build === undefined) return html(404, 'Not Found');
    if (buildMatch[2] === 'api/json' && req.method === 'GET') return send(200, buildJson(build));
    if (buildMatch[2] === 'stop' && req.method === 'POST') {
      stops.push(`${name} #${build.number}`);
      if (build.result === null) {
        build.result = 'ABORTED';
        build.endedAt = Date.now();
      }
      res.writeHead(302, { Location: `${jobUrl(name)}${build.number}/` });
      return void res.end();
    }
    const artifactPath = buildMatch[3] === undefined ? undefined : decodeURIComponent(buildMatch[3]);
    const template = artifactPath === undefined || build.result === null ? undefined : job.artifacts?.[artifactPath];
    if (template === undefined || req.method !== 'GET') return html(404, 'Not Found');
    const content = template.replace(/\$\{(\w+)\}/g, (whole, key: string) => (key === 'BUILD_NUMBER' ? String(build.number) : (build.parameters?.[key] ?? whole)));
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(content);
  }

  const expectedAuth = `Basic ${Buffer.from(`${options.user}:${options.apiToken}`).toString('base64')}`;
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://jenkins');
      const body = raw.toString('utf8');
      log.add({ method: req.method ?? '', path: url.pathname + url.search, body });
      if (req.headers.authorization !== expectedAuth) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Jenkins"', 'Content-Type': 'text/html' });
        return void res.end('<html><body>Authentication required</body></html>');
      }
      advance(Date.now());
      route(req, res, url.pathname, url.searchParams, body);
    });
  });
  const port = await listenLocal(server, 0);
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    setJob: (name, job) => void jobs.set(name, job),
    release: (id) => {
      const item = queue.find((candidate) => candidate.id === id);
      if (item !== undefined) item.released = true;
    },
    cancelQueueItem: (id) => {
      const item = queue.find((candidate) => candidate.id === id);
      if (item !== undefined && item.buildNumber === undefined) item.cancelled = true;
    },
    queueItems: () => {
      advance(Date.now());
      return queue.map((item) => ({ id: item.id, job: item.job, cancelled: item.cancelled, parameters: item.parameters, ...(item.buildNumber === undefined ? {} : { buildNumber: item.buildNumber }) }));
    },
    builds: (name) => {
      advance(Date.now());
      return builds.filter((build) => build.job === name).map((build) => ({ number: build.number, result: build.result, building: build.result === null, parameters: build.parameters }));
    },
    stops: () => [...stops],
    requests: () => log.copies(),
    close: () => closeServer(server),
  };
}
