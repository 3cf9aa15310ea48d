/**
 * Distributed-training tests: run `tfscale` with a checkpoint folder and read back the weights of
 * its first checkpoint, then compare runs weight by weight.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', '..', 'packages/sdk/dist/cli/main.js');

/**
 * Runs `tfscale <args> --checkpoint-dir <ckpt>` and returns ckpt-01's weights, one array each.
 * @example
 *   const one = finalWeights(['train', runFile], path.join(dir, 'one'));
 */
export function finalWeights(args: string[], ckpt: string, timeout = 180_000): { weights: number[][]; output: string } {
  const r = spawnSync(process.execPath, [cli, ...args, '--checkpoint-dir', ckpt], { encoding: 'utf8', timeout });
  const output = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `${args.join(' ')}\n${output}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(ckpt, 'ckpt-01', 'model.json'), 'utf8')).weightsManifest[0];
  const bin = fs.readFileSync(path.join(ckpt, 'ckpt-01', 'group1-shard1of1.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let offset = 0;
  const weights = (manifest.weights as Array<{ shape: number[] }>).map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const out = Array.from(all.subarray(offset, offset + n));
    offset += n;
    return out;
  });
  return { weights, output };
}

/**
 * Every weight within 1e-5 (relative above 1) of the expected run's.
 * @example
 *   assertWeightsClose(mirrored, one, 'mirrored');
 */
export function assertWeightsClose(actual: number[][], expected: number[][], what: string): void {
  for (const [i, w] of expected.entries()) {
    for (const [j, v] of w.entries()) {
      assert.ok(
        Math.abs(actual[i]![j]! - v) <= 1e-5 * Math.max(1, Math.abs(v)),
        `${what}: weight ${i}[${j}] ${actual[i]![j]} vs ${v}`,
      );
    }
  }
}
