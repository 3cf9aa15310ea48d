import { Command } from 'commander';
import { SDK_VERSION } from '../core/version';
import { registerDeployCommand } from './commands/deploy';
import { registerDevicesCommand } from './commands/devices';
import { registerDoctorCommand } from './commands/doctor';
import { registerExportCommand } from './commands/export';
import { registerLaunchCommand } from './commands/launch';
import { registerPipelineCommand } from './commands/pipeline';
import { registerPluginsCommand } from './commands/plugins';
import { registerServeCommand } from './commands/serve';
import { registerSetupNativeCommand } from './commands/setup-native';
import { registerTrainCommand } from './commands/train';

/**
 * The `tfscale` command line; each subcommand lives in its own file under `commands/`.
 * @example
 *   await createProgram().parseAsync(['node', 'tfscale', 'doctor']);
 */
export function createProgram(): Command {
  const program = new Command('tfscale')
    .description('Train and deploy TensorFlow models at scale, from TypeScript.')
    .version(SDK_VERSION, '-V, --version')
    // Options after a subcommand are its own: `export --version 3` is not the program's --version.
    .enablePositionalOptions()
    .showHelpAfterError('(run `tfscale --help` for the commands)')
    .configureHelp({ sortSubcommands: false });
  registerTrainCommand(program);
  registerLaunchCommand(program);
  registerExportCommand(program);
  registerServeCommand(program);
  registerDeployCommand(program);
  registerDoctorCommand(program);
  registerDevicesCommand(program);
  registerPluginsCommand(program);
  registerSetupNativeCommand(program);
  registerPipelineCommand(program);
  return program;
}
