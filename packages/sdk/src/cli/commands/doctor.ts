import * as path from 'node:path';
import type { Command } from 'commander';
import { renderDoctorReport, runDoctor } from '../../diagnostics/doctor';
import { createSdkContainer } from '../../sdk-container';

/**
 * `tfscale doctor`: backend (with a real matMul), TensorFlow version, devices, plugins.
 * @example
 *   registerDoctorCommand(program); // tfscale doctor --json
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the backend, TensorFlow version, devices and plugins (first stop when something is off)')
    .option('--json', 'print machine-readable JSON')
    .option('--cwd <dir>', 'project folder to search for plugins', '.')
    .action(async (opts: { json?: boolean; cwd: string }) => {
      const container = createSdkContainer();
      const report = await runDoctor(container, path.resolve(opts.cwd));
      console.log(opts.json ? JSON.stringify(report, null, 2) : renderDoctorReport(report));
      if (!report.backend.selected) process.exitCode = 1;
    });
}
