import * as path from 'node:path';
import type { Command } from 'commander';
import {
  BackendRegistryToken,
  CallbackRegistryToken,
  DeployerRegistryToken,
  ExporterRegistryToken,
  StrategyRegistryToken,
} from '../../core/tokens';
import { inspectPlugins } from '../../diagnostics/plugin-report';
import { createSdkContainer } from '../../sdk-container';

/**
 * `tfscale plugins`: installed plugin packages, whether they loaded, and every registered name
 * per plugin point.
 * @example
 *   registerPluginsCommand(program); // tfscale plugins --json
 */
export function registerPluginsCommand(program: Command): void {
  program
    .command('plugins')
    .description('list installed plugin packages and what each plugin point offers')
    .option('--json', 'print machine-readable JSON')
    .option('--cwd <dir>', 'project folder to search from', '.')
    .action(async (opts: { json?: boolean; cwd: string }) => {
      const container = createSdkContainer();
      const report = await inspectPlugins(container, path.resolve(opts.cwd));
      const points = {
        strategy: container.resolve(StrategyRegistryToken).list(),
        callback: container.resolve(CallbackRegistryToken).list(),
        exporter: container.resolve(ExporterRegistryToken).list(),
        deployer: container.resolve(DeployerRegistryToken).list(),
        backend: container.resolve(BackendRegistryToken).list(),
      };
      if (opts.json) {
        const strip = (entries: Array<{ name: string; description?: string; plugin?: string }>) =>
          entries.map(({ name, description, plugin }) => ({ name, description, plugin }));
        const out = Object.fromEntries(Object.entries(points).map(([k, v]) => [k, strip(v)]));
        console.log(JSON.stringify({ ...report, points: out }, null, 2));
        return;
      }
      if (report.found.length === 0)
        console.log(`no plugin packages found in node_modules from ${report.searchedFrom}`);
      for (const p of report.found) {
        console.log(`${p.packageName}@${p.version}  ${p.loaded ? 'loaded' : `refused (${p.code}): ${p.error}`}`);
      }
      for (const [point, entries] of Object.entries(points)) {
        const names = entries.map((e) => (e.plugin ? `${e.name} (${e.plugin})` : e.name));
        console.log(`${point.padEnd(9)} ${names.length ? names.join(', ') : '—'}`);
      }
    });
}
