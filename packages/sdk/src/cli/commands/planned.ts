import type { Command } from 'commander';
import { TfscaleError } from '../../core/errors';

interface Planned {
  name: string;
  args?: string;
  description: string;
  /** What will provide it, for the error users see until then. */
  arrives: string;
  options: Array<[flags: string, description: string, defaultValue?: string]>;
}

// The flags are declared now so `--help` shows the surface; each action fails with a coded error
// until its feature lands, rather than pretending to work.
const PLANNED: Planned[] = [];

/**
 * Declares the subcommands later features fill (none at the moment).
 * @example
 *   registerPlannedCommands(program);
 */
export function registerPlannedCommands(program: Command): void {
  for (const p of PLANNED) {
    const cmd = program.command(p.args ? `${p.name} ${p.args}` : p.name).description(p.description);
    for (const [flags, description, defaultValue] of p.options) cmd.option(flags, description, defaultValue);
    cmd.action(() => {
      throw new TfscaleError(
        'TFSCALE_E_NOT_IMPLEMENTED',
        `\`tfscale ${p.name}\` is not available in @tfscale/sdk yet.`,
        {
          hint: `it arrives with ${p.arrives}; \`tfscale doctor\` shows what this installation has`,
        },
      );
    });
  }
}
