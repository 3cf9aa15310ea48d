import * as path from 'node:path';
import type { Command } from 'commander';
import { invalidValue } from '../../core/errors';
import { launchLocal } from '../../distribute/launch/local-launcher';

interface LaunchFlags {
  strategy: string;
  replicas?: string;
  workers?: string;
  transport?: 'unix' | 'tcp';
  epochs?: string;
  batchSize?: string;
  logdir?: string;
  checkpointDir?: string;
  fresh?: boolean;
  resume?: boolean;
}

/**
 * `tfscale launch`: a distributed run on this machine — `--replicas N` for mirrored (one process
 * per device), `--workers N` for a multi-worker cluster on loopback (TF_CONFIG, TCP).
 * @example
 *   registerLaunchCommand(program); // tfscale launch tfscale.json --strategy mirrored --replicas 2
 */
export function registerLaunchCommand(program: Command): void {
  program
    .command('launch <run-file>')
    .description('start a distributed run on this machine: one process per replica, configured the TensorFlow way')
    .option('--strategy <name>', 'mirrored or multi-worker-mirrored', 'mirrored')
    .option('--replicas <n>', 'replicas on this machine (mirrored)')
    .option('--workers <n>', 'workers of a local multi-worker cluster on loopback (TF_CONFIG over TCP)')
    .option('--transport <kind>', 'unix or tcp (default: unix for mirrored, tcp for workers)')
    .option('--epochs <n>', 'override the number of epochs')
    .option('--batch-size <n>', 'override the global batch size')
    .option('--logdir <dir>', 'TensorBoard logs (written by replica 0)')
    .option('--checkpoint-dir <dir>', 'checkpoints (written by replica 0)')
    .option('--resume', 'continue from the run’s backup; fail if there is none')
    .option('--fresh', 'discard the run’s backup and start over')
    .action(async (file: string, flags: LaunchFlags) => {
      const strategy = flags.workers !== undefined ? 'multi-worker-mirrored' : flags.strategy;
      if (strategy !== 'mirrored' && strategy !== 'multi-worker-mirrored') {
        throw invalidValue(
          'strategy',
          strategy,
          "'mirrored' or 'multi-worker-mirrored' (parameter-server runs need a cluster: see the kubernetes plugin)",
        );
      }
      const count = Number(flags.workers ?? flags.replicas ?? 2);
      if (!Number.isInteger(count) || count < 1)
        throw invalidValue(
          flags.workers ? 'workers' : 'replicas',
          flags.workers ?? flags.replicas,
          'a positive integer',
        );
      const trainArgs: string[] = [];
      const pass = (flag: string, value: string | undefined) => value !== undefined && trainArgs.push(flag, value);
      pass('--epochs', flags.epochs);
      pass('--batch-size', flags.batchSize);
      pass('--logdir', flags.logdir && path.resolve(flags.logdir));
      pass('--checkpoint-dir', flags.checkpointDir && path.resolve(flags.checkpointDir));
      if (flags.resume) trainArgs.push('--resume');
      if (flags.fresh) trainArgs.push('--fresh');
      const { exitCode, exits } = await launchLocal({
        runFile: path.resolve(file),
        strategy,
        processes: count,
        transport: flags.transport,
        trainArgs,
        onStart: (pids) =>
          console.error(
            `launched ${count} ${strategy} processes: ${pids.map((p, i) => `replica ${i} pid ${p}`).join(', ')}`,
          ),
        onLine: (replica, stream, line) => {
          if (replica === 0) (stream === 'stdout' ? console.log : console.error)(line);
          else if (stream === 'stderr' && !/^(WARNING: All log messages|I0000 )/.test(line))
            console.error(`[replica ${replica}] ${line}`);
        },
      });
      const failed = exits.filter((e) => e.code !== 0);
      if (failed.length)
        console.error(
          `launch failed: ${failed.map((e) => `replica ${e.replica} ${e.signal ? `killed by ${e.signal}` : `exited ${e.code}`}`).join(', ')}`,
        );
      process.exitCode = exitCode;
    });
}
