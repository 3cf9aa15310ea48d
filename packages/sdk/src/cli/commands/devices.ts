import type { Command } from 'commander';
import { listDevices } from '../../devices';

/**
 * `tfscale devices`: the CPU and GPUs a run can be placed on, with the ids `--device` takes.
 * @example
 *   registerDevicesCommand(program); // tfscale devices --json
 */
export function registerDevicesCommand(program: Command): void {
  program
    .command('devices')
    .description('list the CPU and GPUs a run can use (ids for --device)')
    .option('--json', 'print machine-readable JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await listDevices();
      if (opts.json) {
        console.log(JSON.stringify(list, null, 2));
        return;
      }
      for (const d of list.devices) console.log(`${d.id.padEnd(8)}${d.label}`);
      for (const g of list.gpus) {
        const used = g.memoryUsedMiB === null ? '?' : `${g.memoryUsedMiB}`;
        const util = g.utilizationPercent === null ? '?' : `${g.utilizationPercent}%`;
        console.log(`${''.padEnd(8)}gpu:${g.index} memory used ${used} MiB, utilisation ${util}`);
      }
      if (!list.gpuQuery.available) console.log(`(no GPUs listed: ${list.gpuQuery.reason})`);
    });
}
