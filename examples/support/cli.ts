/**
 * What the examples share: the `tfscale` CLI run as a user runs it (`npx tfscale ...`), and
 * reading a checkpoint's weights.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The installed CLI entry (what `npx tfscale` runs). */
export const TFSCALE = require.resolve('@tfscale/sdk/package.json').replace(/package\.json$/, 'dist/cli/main.js');

/**
 * Runs `tfscale <args>`, echoing the command; throws with its output when it fails.
 * @example
 *   const out = tfscale(['train', 'tfscale.json', '--epochs', '2']);
 */
export function tfscale(args: string[], env: NodeJS.ProcessEnv = {}): string {
  console.log(`$ npx tfscale ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [TFSCALE, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`tfscale ${args[0]} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * The weights of a tfjs checkpoint folder (model.json + weight files) as one flat array per weight.
 * @example
 *   const w = readCheckpointWeights('runs/x/checkpoints/ckpt-05');
 */
export function readCheckpointWeights(dir: string): Map<string, Float32Array> {
  const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const out = new Map<string, Float32Array>();
  for (const group of model.weightsManifest as { paths: string[]; weights: { name: string; shape: number[] }[] }[]) {
    const bytes = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      out.set(
        w.name,
        new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n)),
      );
      offset += 4 * n;
    }
  }
  return out;
}

/** Largest absolute difference between two checkpoints' weights. */
export function maxWeightDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let max = 0;
  for (const [name, wa] of a) {
    const wb = b.get(name);
    if (!wb || wb.length !== wa.length) throw new Error(`weight ${name} differs in shape`);
    for (let i = 0; i < wa.length; i++) max = Math.max(max, Math.abs(wa[i]! - wb[i]!));
  }
  return max;
}
