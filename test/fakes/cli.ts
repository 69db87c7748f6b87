/**
 * Runs a fake cloud standalone until SIGINT/SIGTERM: `npm run fake -- <fake> [options]`.
 * Each fake is one entry in FAKES; the aws and gcp fakes are added the same way.
 */
import type { FakeCommand } from './command';
import { awsCommand } from './aws/command';
import { gcpCommand } from './gcp/command';
import { kubernetesCommand } from './kubernetes/command';

const FAKES: Record<string, FakeCommand> = {
  kubernetes: kubernetesCommand,
  gcp: gcpCommand,
  aws: awsCommand,
};

function usage(): string {
  const lines = ['usage: npm run fake -- <fake> [options]', '', 'fakes:'];
  for (const [name, command] of Object.entries(FAKES)) {
    lines.push(`  ${name.padEnd(12)} ${command.summary}`);
    for (const option of command.options) lines.push(`      ${option}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    process.exitCode = name === undefined ? 2 : 0;
    return;
  }
  const command = FAKES[name];
  if (!command) {
    console.error(`unknown fake "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  let fake;
  try {
    fake = await command.start(args);
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  // The URL line is the contract for scripts and tests that spawn the CLI: keep its format.
  console.log(`fake ${name} listening on ${fake.url}`);
  for (const hint of fake.hints ?? []) console.log(`  try: ${hint}`);
  const stop = (signal: string): void => {
    console.log(`fake ${name}: ${signal}, shutting down`);
    fake.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main(process.argv.slice(2));
