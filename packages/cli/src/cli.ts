import { readFile } from 'node:fs/promises';
import { localApiToken } from '@gantry/config';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { canaryJudge, type JudgeFormat } from './commands/canaryJudge';
import { importSpinnaker } from './commands/importSpinnaker';
import { localStop } from './commands/localStop';
import { rollback } from './commands/rollback';
import { trigger } from './commands/trigger';
import { validatePipeline, type ValidateFormat } from './commands/validatePipeline';
import { CliError, EXIT, type ExitCode } from './errors';
import { DEFAULT_URL, GantryClient } from './gantryClient';
import { GateClient, type GateCredentials } from './gateClient';
import type { CliIo } from './io';

const EXIT_CODES_HELP = `
Exit codes:
  0  success: the canary passed; the execution was created (with --wait: it SUCCEEDED);
     the validated pipeline would be accepted
  1  failure: the canary failed or was marginal; the API refused (its message is printed);
     the validated pipeline has unsupported parts;
     the execution ended other than SUCCEEDED; Gantry could not be reached
  2  bad input: usage error, unreadable file, invalid JSON, schema error (the field path is printed)

Environment:
  GATE_PASSWORD, GATE_TOKEN  defaults for import spinnaker's --gate-password and --gate-token
  GANTRY_URL   default for --url (${DEFAULT_URL})
  GANTRY_TOKEN  the API token to send (Authorization: Bearer); default: the admin token Gantry's
                first start wrote to $GANTRY_DATA_DIR/admin-token (./.gantry/data/admin-token)`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveMilliseconds(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new InvalidArgumentError('a positive whole number of milliseconds');
  return ms;
}

interface ApiOptions {
  url: string;
  wait: boolean;
  pollMs: number;
}

function apiOptions(command: Command, io: CliIo): Command {
  return command
    .option('--url <url>', 'Gantry API base URL', io.env.GANTRY_URL ?? DEFAULT_URL)
    .option('--wait', 'wait until the execution ends; exit 0 only if it SUCCEEDED', false)
    .addOption(new Option('--poll-ms <ms>', 'poll interval while waiting').default(1000).argParser(positiveMilliseconds).hideHelp());
}

interface GateOptions {
  gate: string;
  gateUser?: string;
  gatePassword?: string;
  gateToken?: string;
  gateCookie?: string;
  gateCert?: string;
  gateKey?: string;
  gateCa?: string;
}

async function readPem(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${option} ${file}: ${error instanceof Error ? error.message : String(error)}`, EXIT.BAD_INPUT);
  }
}

/** At most one way to sign in to Gate; a password without a user (or the reverse) is a usage error. */
async function gateCredentials(options: GateOptions, env: CliIo['env']): Promise<GateCredentials> {
  const ways = [options.gateUser, options.gateToken, options.gateCookie, options.gateCert].filter((way) => way !== undefined).length;
  if (ways > 1) throw new CliError('give one of --gate-user (with --gate-password), --gate-token, --gate-cookie and --gate-cert (with --gate-key)', EXIT.BAD_INPUT);
  if (options.gateCert !== undefined) {
    if (options.gateKey === undefined) throw new CliError('--gate-cert needs --gate-key', EXIT.BAD_INPUT);
    const ca = options.gateCa === undefined ? undefined : await readPem('--gate-ca', options.gateCa);
    return { kind: 'x509', cert: await readPem('--gate-cert', options.gateCert), key: await readPem('--gate-key', options.gateKey), ...(ca === undefined ? {} : { ca }) };
  }
  if (options.gateUser !== undefined) {
    const password = options.gatePassword ?? env.GATE_PASSWORD;
    if (password === undefined) throw new CliError('--gate-user needs --gate-password (or $GATE_PASSWORD)', EXIT.BAD_INPUT);
    return { kind: 'basic', user: options.gateUser, password };
  }
  if (options.gateCookie !== undefined) return { kind: 'cookie', cookie: options.gateCookie };
  const token = options.gateToken ?? env.GATE_TOKEN;
  return token === undefined ? { kind: 'none' } : { kind: 'bearer', token };
}

function clientFor(options: Pick<ApiOptions, 'url'>, io: CliIo): GantryClient {
  // The API records the token's owner as acting: who sent it is not ours to claim.
  const token = localApiToken(io.env);
  return new GantryClient(options.url, io.fetch, token === undefined ? {} : { authorization: `Bearer ${token}` });
}

/** Runs one `gantry` command line and returns its exit code; every failure is one line on stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: ExitCode = EXIT.OK;
  const program = new Command('gantry')
    .description('Gantry continuous delivery: judge canaries, trigger pipelines, roll clusters back, stop the local agent')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('canary')
    .description('canary analysis')
    .command('judge')
    .description('judge recorded canary and baseline samples with the Mann-Whitney canary judge')
    .argument('<file>', 'JSON {"config": {...}, "metrics": {"<name>": {"baseline": [...], "canary": [...]}}}, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .action(async (file: string, options: { format: JudgeFormat }) => {
      exitCode = await canaryJudge(file, options.format, io);
    });

  apiOptions(
    program
      .command('trigger')
      .description('start an execution of a pipeline; prints its id')
      .argument('<pipelineId>', 'the pipeline id')
      .option('-p, --parameter <key=value>', 'a pipeline parameter (repeatable)', collect, []),
    io,
  ).action(async (pipelineId: string, options: ApiOptions & { parameter: string[] }) => {
    exitCode = await trigger(clientFor(options, io), pipelineId, options.parameter, io, options);
  });

  apiOptions(
    program
      .command('rollback')
      .description("roll a cluster back to its newest earlier healthy server group (an audited execution); prints the execution's id")
      .argument('<app>', 'application')
      .argument('<cluster>', 'cluster, e.g. checkout-prod')
      .option('--account <account>', 'account of the cluster (when the name alone is ambiguous)')
      .option('--location <location>', 'region or namespace of the cluster')
      .option('--server-group <name>', 'the server group to restore (default: the newest earlier healthy one)')
      .option('--reason <text>', 'why, for the audit log'),
    io,
  ).action(async (app: string, cluster: string, options: ApiOptions & { account?: string; location?: string; serverGroup?: string; reason?: string }) => {
    exitCode = await rollback(clientFor(options, io), app, cluster, options, io, options);
  });

  program
    .command('import')
    .description('bring objects from another system into Gantry')
    .command('spinnaker')
    .description("read a running Spinnaker's applications (with permissions), pipelines, pipeline templates and canary configs through Gate and save what Gantry can hold; re-runs save only what changed")
    .requiredOption('--gate <url>', "Gate's base URL, e.g. https://gate.example.com or http://localhost:8084")
    .option('--gate-user <user>', 'Gate basic-auth user')
    .option('--gate-password <password>', 'Gate basic-auth password (default $GATE_PASSWORD)')
    .option('--gate-token <token>', 'a bearer token for Gate, e.g. an OAuth2 access token (default $GATE_TOKEN when no other credential is given)')
    .option('--gate-cookie <cookie>', "a Gate session cookie from a signed-in browser, e.g. 'SESSION=…'")
    .option('--gate-cert <file>', "a PEM client certificate for Gate's X.509 sign-in (with --gate-key)")
    .option('--gate-key <file>', "the client certificate's PEM private key")
    .option('--gate-ca <file>', "the PEM CA that signed Gate's server certificate, when it is a private one (with --gate-cert)")
    .option('-a, --application <name>', 'only this Spinnaker application (repeatable; default all)', collect, [])
    .option('--dry-run', 'read and compare only: say what would be created or updated, save nothing', false)
    .option('--save-unsupported <dir>', 'write the pipeline templates and canary configs Gantry cannot hold as JSON files under this folder')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--url <url>', 'Gantry API base URL', io.env.GANTRY_URL ?? DEFAULT_URL)
    .action(
      async (
        options: GateOptions & { url: string; application: string[]; dryRun: boolean; saveUnsupported?: string; format: 'text' | 'json' },
      ) => {
        const gate = new GateClient(options.gate, io.fetch, await gateCredentials(options, io.env));
        const gantry = clientFor({ url: options.url }, io);
        exitCode = await importSpinnaker(gate, gantry, {
          dryRun: options.dryRun,
          applications: options.application,
          format: options.format,
          ...(options.saveUnsupported === undefined ? {} : { saveUnsupported: options.saveUnsupported }),
        }, io);
      },
    );

  program
    .command('pipeline')
    .description('pipeline documents')
    .command('validate')
    .description("what Gantry makes of a pipeline document (Spinnaker's or its own) without saving it: what loads, is ignored, is unsupported")
    .argument('<files...>', 'pipeline documents (JSON or YAML), directories of them (every .json/.yaml/.yml under it, as a pipelines repository is synced), or - for stdin (JSON)')
    .option('--application <app>', 'the application, for exports that name none (the API checks WRITE on it)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--url <url>', 'Gantry API base URL', io.env.GANTRY_URL ?? DEFAULT_URL)
    .action(async (files: string[], options: { application?: string; format: ValidateFormat; url: string }) => {
      exitCode = await validatePipeline(clientFor({ url: options.url }, io), files, options, io);
    });

  program
    .command('local')
    .description("the local provider's agent (the processes and proxies of local deploys)")
    .command('stop')
    .description('stop the local agent and, unless --keep-instances, every app instance it runs')
    .option('--data-dir <dir>', "the local provider's data dir (default: $GANTRY_DATA_DIR/local, GANTRY_DATA_DIR defaulting to ./.gantry/data)")
    .option('--keep-instances', 'leave the app instances running for the next agent to adopt', false)
    .action(async (options: { dataDir?: string; keepInstances: boolean }) => {
      exitCode = await localStop(options, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successful exits; anything else commander rejects is usage.
      return error.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    }
    if (error instanceof CliError) {
      io.stderr(`gantry: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
