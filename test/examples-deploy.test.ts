/**
 * The deployment chapter's examples (SavedModel, serving, alternative deployment) run as their
 * READMEs say (reduced epochs) and reach their outcome; what they produce is also checked in
 * Python TensorFlow.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { interopPython } from './support/python';

const dist = path.resolve(__dirname, '..', '..', 'examples', 'dist');

/** Runs `script` in the interop Python with `input` as JSON on stdin; parses its JSON stdout. */
function python<T>(script: string, input: unknown): T {
  const found = interopPython();
  if (!found.path) throw new Error(found.reason);
  const r = spawnSync(found.path, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

/** The largest absolute difference between two row-major nested arrays. */
function maxDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('examples (deployment chapter)', function () {
  this.timeout(600_000);

  it('savedmodel: loaded back in TypeScript and in Python TensorFlow, it predicts like the trained model', async function () {
    const { main } = require(path.join(dist, 'savedmodel', 'run.js'));
    const r = await main(2);
    assert.ok(r.maxDiff < 1e-5, `SavedModel vs trained: ${r.maxDiff}`);
    assert.deepEqual(r.signature.inputs[0].shape, [-1, 64]);
    assert.deepEqual(r.signature.outputs[0].shape, [-1, 10]);
    if (!interopPython().path) this.skip();
    const py = python<{ keys: string[]; y: number[][] }>(
      [
        'import json, sys, tensorflow as tf',
        'req = json.load(sys.stdin)',
        "fn = tf.saved_model.load(req['dir']).signatures['serving_default']",
        "out = fn(**{req['input']: tf.constant(req['x'], tf.float32)})",
        "print(json.dumps({'keys': sorted(out), 'y': out[req['output']].numpy().tolist()}))",
      ].join('\n'),
      { dir: r.savedModelDir, x: r.x, input: r.signature.inputs[0].key, output: r.signature.outputs[0].key },
    );
    assert.deepEqual(py.keys, [r.signature.outputs[0].key]);
    const d = maxDiff(py.y, r.expected);
    console.log(`      Python tf.saved_model.load vs trained model: max |diff| ${d.toExponential(2)}`);
    assert.ok(d < 1e-5, `Python SavedModel vs trained: ${d}`);
  });
});
