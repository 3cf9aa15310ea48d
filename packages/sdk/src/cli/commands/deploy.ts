import * as path from 'node:path';
import type { Command } from 'commander';
import { closestMatch } from '../../core/did-you-mean';
import { invalidValue, TfscaleError } from '../../core/errors';
import { DeployerRegistryToken, LoggerToken } from '../../core/tokens';
import type { Deployment } from '../../deploy/deployer';
import { deploymentStateDir, resolveModelPath } from '../../deploy/deployment-record';
import { exampleCurl } from '../../deploy/example-request';
import { attach, LocalDeployment, listDeployments } from '../../deploy/local-deployment';
import { createSdkContainerWithPlugins } from '../../sdk-container';

interface DeployFlags {
  model_base_path?: string;
  model_name?: string;
  target: string;
  rest_api_port?: string;
  port?: string;
  host?: string;
  open?: boolean;
  out?: string;
  option: string[];
  stop?: boolean;
  list?: boolean;
}

/** Targets whose deployer ships as a first-party plugin package, for the "not installed" hint. */
const PLUGIN_PACKAGES: Record<string, string> = {
  docker: '@tfscale/plugin-deploy-docker',
  kubernetes: '@tfscale/plugin-kubernetes',
  browser: '@tfscale/plugin-deploy-browser',
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function portFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw invalidValue(name, value, 'an integer in [0, 65535] (0: a free port)');
  return n;
}

/** `--option key=value` pairs (values stay strings; each plugin parses its own), then the named flags. */
function specOptions(flags: DeployFlags): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of flags.option) {
    const at = pair.indexOf('=');
    if (at <= 0) throw invalidValue('option', pair, 'key=value (e.g. --option image=tensorflow/serving:2.18.0)');
    options[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  const named: Record<string, unknown> = {
    restApiPort: portFlag('rest_api_port', flags.rest_api_port),
    grpcPort: portFlag('port', flags.port),
    host: flags.host,
    out: flags.out === undefined ? undefined : path.resolve(flags.out),
    open: flags.open,
  };
  for (const [key, value] of Object.entries(named)) if (value !== undefined) options[key] = value;
  return options;
}

function unknownTarget(target: string, installed: string[]): TfscaleError {
  const list = installed.map((n) => `"${n}"`).join(', ');
  const pkg = PLUGIN_PACKAGES[target];
  if (pkg)
    return new TfscaleError(
      'TFSCALE_E_REGISTRY_UNKNOWN',
      `The "${target}" deployer is not installed. Installed targets: ${list}.`,
      {
        hint: `npm install ${pkg} (tfscale finds installed plugins by itself)`,
      },
    );
  const near = closestMatch(target, [...installed, ...Object.keys(PLUGIN_PACKAGES)]);
  const firstParty = Object.entries(PLUGIN_PACKAGES)
    .map(([t, p]) => `${t} (${p})`)
    .join(', ');
  return new TfscaleError(
    'TFSCALE_E_REGISTRY_UNKNOWN',
    `Unknown deploy target "${target}". Installed targets: ${list}.`,
    {
      hint: near ? `Did you mean "${near}"?` : `first-party targets come with plugins: ${firstParty}`,
    },
  );
}

async function printDeployment(target: string, name: string, deployment: Deployment): Promise<void> {
  const local = deployment instanceof LocalDeployment ? deployment : undefined;
  const how = local ? (local.started ? `started pid ${local.pid}` : `already running, pid ${local.pid}: attached`) : '';
  console.log(`Deployed ${name} (target ${target}${how ? `, ${how}` : ''})`);
  const page = deployment.urlKind === 'page';
  if (deployment.url && page) console.log(`  page  ${deployment.url}`);
  else if (deployment.url) console.log(`  REST  ${deployment.url}  (TF Serving /v1, KServe V2 /v2)`);
  if (deployment.grpcAddress) console.log(`  gRPC  ${deployment.grpcAddress}`);
  if (local) console.log(`  log   ${local.record.logFile}`);
  for (const note of deployment.notes ?? []) console.log(`  ${note}`);
  if (deployment.url && !page) console.log(`try:  ${await exampleCurl(deployment.url, name)}`);
  if (deployment.stopCommand) console.log(`stop: ${deployment.stopCommand}`);
}

/** Keeps an in-process deployment (the browser page's server) up until Ctrl-C or SIGTERM. */
async function serveUntilSignal(deployment: Deployment): Promise<void> {
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    const stop = () => void deployment.stop().then(resolve, resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('stopped');
}

async function printList(): Promise<void> {
  const all = listDeployments();
  if (all.length === 0) {
    console.log(`No local deployments (records in ${deploymentStateDir()}).`);
    return;
  }
  const rows = await Promise.all(
    all.map(async (d) => {
      const status = await d.status();
      return [status.state, String(d.pid), d.record.modelName, d.url, d.record.modelPath, d.record.startedAt];
    }),
  );
  const table = [['STATE', 'PID', 'MODEL', 'REST', 'MODEL PATH', 'STARTED'], ...rows];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const row of table)
    console.log(
      row
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

/**
 * `tfscale deploy [model_base_path]`: deploy an exported model to a target (`local` is built in;
 * `docker`, `kubernetes` and `browser` come with plugins), or `--list` / `--stop` local ones.
 * @example
 *   registerDeployCommand(program); // tfscale deploy models/half --target local
 */
export function registerDeployCommand(program: Command): void {
  program
    .command('deploy [model_base_path]')
    .description('deploy an exported model (local, docker, kubernetes, browser); --list / --stop local ones')
    .option('--model_base_path <dir>', 'model base folder holding numbered versions (or give it as the argument)')
    .option('--model_name <name>', 'name in the API (default: the base folder name)')
    .option('--target <name>', 'local, docker, kubernetes, browser, or a plugin’s target', 'local')
    .option('--rest_api_port <port>', 'REST port (default 8501; 0 picks a free one)')
    .option('--port <port>', 'gRPC port (default 8500; 0 picks a free one)')
    .option('--host <host>', 'address to bind (local default 127.0.0.1)')
    .option('--open', 'open the deployed page (browser target)')
    .option('--out <dir>', 'where targets that write files (manifests, static sites) put them')
    .option('--option <key=value>', 'target option, repeatable (see the target plugin’s README)', collect, [])
    .option('--stop', 'stop the local deployment of this model')
    .option('--list', 'list local deployments and their state')
    .action(async (positional: string | undefined, flags: DeployFlags) => {
      if (flags.list) return printList();
      const base = positional ?? flags.model_base_path;
      if (
        positional &&
        flags.model_base_path &&
        resolveModelPath(positional) !== resolveModelPath(flags.model_base_path)
      )
        throw invalidValue('model_base_path', flags.model_base_path, `the same folder as the argument (${positional})`);
      if (!base)
        throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'Nothing to deploy: give the model base folder.', {
          hint: 'tfscale deploy models/half (a folder holding numbered versions, as `tfscale export` writes)',
        });
      const name = flags.model_name ?? path.basename(resolveModelPath(base));
      if (flags.stop) {
        if (flags.target !== 'local')
          throw invalidValue(
            'target',
            flags.target,
            '"local" with --stop',
            'other targets print their stop command when deployed',
          );
        const deployment = await attach({ modelPath: base, modelName: name });
        if (!deployment) return console.log(`No local deployment of ${name} from ${resolveModelPath(base)}.`);
        await deployment.stop();
        return console.log(`Stopped ${name} (pid ${deployment.pid}).`);
      }
      const container = await createSdkContainerWithPlugins();
      const registry = container.resolve(DeployerRegistryToken);
      if (!registry.has(flags.target)) throw unknownTarget(flags.target, registry.names());
      const logger = container.resolve(LoggerToken);
      const deployer = await registry.get(flags.target)({}, { container, logger });
      const deployment = await deployer.deploy({
        modelPath: resolveModelPath(base),
        modelName: name,
        options: specOptions(flags),
      });
      await printDeployment(flags.target, name, deployment);
      if (deployment.inProcess) await serveUntilSignal(deployment);
    });
}
