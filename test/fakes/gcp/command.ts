/** `npm run fake -- gcp [--port N] [--project P] [--ready-delay-ms N] [--operation-delay-ms N]`. */
import { parseArgs } from 'node:util';
import { integerOption, type FakeCommand } from '../command';
import { startFakeGcp } from './server';

export const gcpCommand: FakeCommand = {
  summary: 'fake Compute Engine API v1 (instance templates, images, regional MIGs, zonal instances and disks, backend services, operations)',
  options: [
    '--port N                port on 127.0.0.1 (default: a free port)',
    '--project P             the project it serves (default gantry-test)',
    '--ready-delay-ms N      how long new instances take to be RUNNING (default 100)',
    '--operation-delay-ms N  how long operations take at least to be DONE (default 20)',
  ],
  async start(args) {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, project: { type: 'string' }, 'ready-delay-ms': { type: 'string' }, 'operation-delay-ms': { type: 'string' } },
      strict: true,
    });
    if (values.project !== undefined && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(values.project)) {
      throw new Error(`--project must be a project id (6-30 lowercase letters, digits, hyphens), got "${values.project}"`);
    }
    const fake = await startFakeGcp({
      port: integerOption(values.port, 'port', 0),
      project: values.project,
      readyDelayMs: integerOption(values['ready-delay-ms'], 'ready-delay-ms', 100),
      operationDelayMs: integerOption(values['operation-delay-ms'], 'operation-delay-ms', 20),
    });
    const base = `${fake.url}/compute/v1/projects/${fake.project}`;
    return {
      url: fake.url,
      close: () => fake.close(),
      hints: [
        `curl ${base}/regions/us-central1/instanceGroupManagers`,
        `curl -X POST -H 'Content-Type: application/json' -d '{"name":"web-v001","properties":{"machineType":"e2-small"}}' ${base}/global/instanceTemplates`,
        `curl ${base}/global/operations`,
      ],
    };
  },
};
