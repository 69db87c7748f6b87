/** `npm run fake -- kubernetes [--port N] [--ready-delay-ms N]`. */
import { parseArgs } from 'node:util';
import { integerOption, type FakeCommand } from '../command';
import { startFakeKubernetes } from './server';

export const kubernetesCommand: FakeCommand = {
  summary: 'fake Kubernetes API server (namespaces, deployments, pods, services, httproutes)',
  options: [
    '--port N            port on 127.0.0.1 (default: a free port)',
    '--ready-delay-ms N  how long new pods take to become ready (default 50)',
  ],
  async start(args) {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, 'ready-delay-ms': { type: 'string' } },
      strict: true,
    });
    const fake = await startFakeKubernetes({
      port: integerOption(values.port, 'port', 0),
      readyDelayMs: integerOption(values['ready-delay-ms'], 'ready-delay-ms', 50),
    });
    return {
      url: fake.url,
      close: () => fake.close(),
      hints: [`KUBECONFIG=/dev/null kubectl --server ${fake.url} get deployments,pods,services -A`],
    };
  },
};
