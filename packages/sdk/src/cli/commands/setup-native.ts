import * as path from 'node:path';
import type { Command } from 'commander';

interface SetupNativeModule {
  setupNative(opts: { gpu?: boolean; verbose?: boolean; force?: boolean }): Promise<Array<{ ok: boolean }>>;
}

/**
 * `tfscale setup-native`: (re)builds tfjs-node against the TensorFlow wheel's C libraries.
 * @example
 *   registerSetupNativeCommand(program); // tfscale setup-native --verbose
 */
export function registerSetupNativeCommand(program: Command): void {
  program
    .command('setup-native')
    .description('build the native TensorFlow backend from the TensorFlow pip wheel (never a download elsewhere)')
    .option('--gpu', 'also build @tensorflow/tfjs-node-gpu (needs tensorflow[and-cuda] installed in Python)')
    .option('--verbose', 'print the full error when a step fails')
    .action(async (opts: { gpu?: boolean; verbose?: boolean }) => {
      const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'setup-native.js');
      const { setupNative } = require(script) as SetupNativeModule;
      const results = await setupNative({ gpu: opts.gpu, verbose: opts.verbose, force: true });
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
