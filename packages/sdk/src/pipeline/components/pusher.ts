/**
 * Pusher: copies a blessed model's SavedModel into a serving base path as the next version
 * (copied to a hidden folder first, then renamed, so a watching `tfscale serve` never sees half a
 * model) — the server's file-system poll then loads it. Not blessed: nothing is pushed.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { nextVersion } from '../../export/export-model';
import { defineComponent } from '../component';

/**
 * Pusher's parameters.
 * @example
 *   const p: PusherParams = { destination: 'serving/iris' };
 */
export interface PusherParams {
  /** The serving base path (`--model_base_path`); versions go into numbered folders under it. */
  destination: string;
}

/**
 * Makes a Pusher node: inputs `model`, `blessing`; output `pushedModel` (PushedModel).
 * @example
 *   const pusher = Pusher({ model: trainer.outputs.model, blessing: ev.outputs.blessing }, { destination: 'serving/iris' });
 */
export const Pusher = defineComponent<PusherParams>({
  type: 'Pusher',
  inputs: { model: 'Model', blessing: 'ModelBlessing' },
  outputs: { pushedModel: 'PushedModel' },
  async run(ctx) {
    const out = ctx.outputs.pushedModel!;
    const blessing = ctx.inputs.blessing!;
    if (blessing.properties.blessed !== true) {
      out.properties = { pushed: false };
      await fs.writeFile(path.join(out.uri, 'push.json'), `${JSON.stringify({ pushed: false })}\n`);
      ctx.logger.warn('[Pusher] the model is not blessed: nothing pushed');
      return;
    }
    const destination = path.resolve(ctx.baseDir, ctx.params.destination);
    await fs.mkdir(destination, { recursive: true });
    const version = await nextVersion(destination);
    const staging = path.join(destination, `.pushing-${version}-${process.pid}`);
    await fs.cp(path.join(ctx.inputs.model!.uri, 'serving', '1'), staging, { recursive: true });
    await fs.rename(staging, path.join(destination, String(version)));
    const record = { pushed: true, destination, version, pushed_uri: path.join(destination, String(version)) };
    await fs.writeFile(path.join(out.uri, 'push.json'), `${JSON.stringify(record, null, 2)}\n`);
    out.properties = record;
    ctx.logger.info(`[Pusher] pushed version ${version} to ${destination}`);
  },
});
